package shop.engine.support;

/**
 * An engine error a user can act on. The kind decides how the edges report it: the API maps it
 * to a 4xx status, the CLI to a non-zero exit. The message says what was being done, to what,
 * and why.
 */
public class EngineException extends RuntimeException {

    public enum Kind { INVALID, NOT_FOUND, CONFLICT, FAILED }

    private final Kind kind;

    public EngineException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public EngineException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static EngineException invalid(String message) {
        return new EngineException(Kind.INVALID, message);
    }

    public static EngineException notFound(String message) {
        return new EngineException(Kind.NOT_FOUND, message);
    }

    public static EngineException conflict(String message) {
        return new EngineException(Kind.CONFLICT, message);
    }

    public static EngineException failed(String message, Throwable cause) {
        return new EngineException(Kind.FAILED, message, cause);
    }
}
