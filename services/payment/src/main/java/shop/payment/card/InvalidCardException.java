package shop.payment.card;

/** A card that cannot be charged as typed: names the field, never echoes the number. */
public class InvalidCardException extends RuntimeException {

    private final String field;

    InvalidCardException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
