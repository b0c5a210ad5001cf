package shop.platform.problem;

/**
 * A call to another service that gave no answer the caller can use: the callee could not be
 * reached, ran out of time or has its circuit breaker open ({@link #unavailable()}), or it
 * answered with an error that the caller's client has no meaning for. A REST request that meets
 * one is answered 503 (try again shortly) or 502, as problem+json.
 *
 * <p>The protocol's own error is the cause. Only a service's client, at its edge, looks at it to
 * turn the errors it understands into the service's own exceptions; everything behind the edge
 * sees this type alone.
 */
public class CalleeFailed extends RuntimeException {

    private final String service;
    private final boolean unavailable;

    /**
     * @param service the callee's name, as the caller knows it (catalog, payment, ...)
     * @param unavailable true when the callee did not answer in time or at all: the same call may work shortly
     * @param message what went wrong, for the log: no shopper ever reads it
     */
    public CalleeFailed(String service, boolean unavailable, String message, Throwable cause) {
        // No stack trace of its own: the cause has the one that tells where the call failed.
        super(message, cause, false, false);
        this.service = service;
        this.unavailable = unavailable;
    }

    public String service() {
        return service;
    }

    public boolean unavailable() {
        return unavailable;
    }
}
