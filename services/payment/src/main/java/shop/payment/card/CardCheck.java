package shop.payment.card;

import java.time.YearMonth;
import java.time.ZoneOffset;

/** The checks a card passes before it is sent to the issuer: Luhn, expiry, CVC, and its brand. */
public final class CardCheck {

    /** What may be kept of a card after the checks. */
    public record CheckedCard(String brand, String last4) {
    }

    private CardCheck() {
    }

    /** @throws InvalidCardException naming {@code card.number}, {@code card.exp} or {@code card.cvc} */
    public static CheckedCard check(CardDetails card, YearMonth now) {
        String number = card.number() == null ? "" : card.number().replaceAll("[ -]", "");
        if (!number.matches("[0-9]{12,19}")) {
            throw new InvalidCardException("card.number", "must be 12 to 19 digits");
        }
        if (!passesLuhn(number)) {
            throw new InvalidCardException("card.number", "is not a valid card number");
        }
        if (card.expMonth() < 1 || card.expMonth() > 12 || card.expYear() < 2000 || card.expYear() > 2100) {
            throw new InvalidCardException("card.exp", "month must be 1 to 12 and year four digits");
        }
        if (YearMonth.of(card.expYear(), card.expMonth()).isBefore(now)) {
            throw new InvalidCardException("card.exp", "the card has expired");
        }
        String brand = brand(number);
        int cvcLength = brand.equals("amex") ? 4 : 3;
        if (card.cvc() == null || !card.cvc().matches("[0-9]{" + cvcLength + "}")) {
            throw new InvalidCardException("card.cvc", "must be " + cvcLength + " digits");
        }
        return new CheckedCard(brand, number.substring(number.length() - 4));
    }

    public static YearMonth thisMonth() {
        return YearMonth.now(ZoneOffset.UTC);
    }

    static boolean passesLuhn(String digits) {
        int sum = 0;
        boolean doubled = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int digit = digits.charAt(i) - '0';
            if (doubled) {
                digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
            }
            sum += digit;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }

    static String brand(String number) {
        int two = Integer.parseInt(number.substring(0, 2));
        int four = Integer.parseInt(number.substring(0, 4));
        if (number.startsWith("4")) {
            return "visa";
        }
        if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) {
            return "mastercard";
        }
        if (two == 34 || two == 37) {
            return "amex";
        }
        return "other";
    }
}
