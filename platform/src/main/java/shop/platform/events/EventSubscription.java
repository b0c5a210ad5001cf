package shop.platform.events;

import java.util.Objects;

import shop.events.v1.EventEnvelope;

/**
 * A consuming service's wish to handle one event type, declared as a bean. The platform gives it
 * a durable queue {@code <service>.<type>} bound to the exchange, a retry queue and a dead-letter
 * queue, and calls the handler in a transaction that also records the event id, so a redelivered
 * event is applied once. A handler that throws is retried with backoff, then dead-lettered.
 *
 * @param type the routing key, such as {@code order.placed}
 * @param schemaVersion the payload version this handler reads; any other goes to the dead letters
 * @param payloadType the payload record it reads
 */
public record EventSubscription<T>(String type, int schemaVersion, Class<T> payloadType, Handler<T> handler) {

    /** Applies one event; runs in the transaction that records the event as handled. */
    @FunctionalInterface
    public interface Handler<T> {
        void handle(EventEnvelope<T> event);
    }

    public EventSubscription {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payloadType, "payloadType");
        Objects.requireNonNull(handler, "handler");
    }

    /** The durable queue of this subscription in a service. */
    public String queue(String service) {
        return service + "." + type;
    }

    public String retryQueue(String service) {
        return queue(service) + ".retry";
    }

    public String deadLetterQueue(String service) {
        return queue(service) + ".dlq";
    }
}
