package shop.engine.fig;

/** A fig error a user can act on; the CLI prints its message and exits non-zero. */
public class FigException extends RuntimeException {

    public FigException(String message) {
        super(message);
    }

    public FigException(String message, Throwable cause) {
        super(message, cause);
    }
}
