package shop.payment.card;

/**
 * A card as the shopper typed it. It lives only for the length of one authorisation; its
 * {@link #toString()} hides the number and CVC so no log line can carry them.
 */
public record CardDetails(String number, int expMonth, int expYear, String cvc) {

    @Override
    public String toString() {
        return "CardDetails[number=****, expMonth=" + expMonth + ", expYear=" + expYear + ", cvc=***]";
    }
}
