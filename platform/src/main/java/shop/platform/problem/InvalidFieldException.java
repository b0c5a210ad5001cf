package shop.platform.problem;

/**
 * Bad input that only the domain can recognise (an unknown category, say): answered like a
 * failed bean validation, as a 400 whose {@code errors} list names the field.
 */
public class InvalidFieldException extends RuntimeException {

    private final String field;

    public InvalidFieldException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
