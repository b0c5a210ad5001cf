package shop.platform.events;

/**
 * Thrown by a handler for an event that no retry can make applicable, such as one about an
 * account this service has never had. The event goes to the dead letters at once, with this
 * message as the reason, and the handler's transaction (inbox row included) is rolled back, so
 * an operator's replay after a fix applies it.
 */
public class EventRejected extends RuntimeException {

    public EventRejected(String reason) {
        super(reason);
    }
}
