package shop.events.v1;

import java.time.Instant;
import java.util.UUID;

/**
 * Every event on the {@code shop.events} exchange, as JSON. The routing key is {@code type}.
 * A consumer reads {@code schemaVersion} before {@code payload}: a version it does not know goes
 * to its dead-letter queue, while fields it does not know are ignored, so a producer may add
 * fields within a version but must raise the version to change or remove one.
 *
 * @param eventId unique per event; consumers remember it to apply a redelivery only once
 * @param type the routing key, such as {@code order.placed}
 * @param schemaVersion the version of {@code payload}'s shape for this type
 * @param occurredAt when the state change was committed
 * @param aggregateId the order or shipment it is about; events of one aggregate arrive in order
 * @param payload one of this package's payload records
 */
public record EventEnvelope<T>(UUID eventId, String type, int schemaVersion, Instant occurredAt, String aggregateId,
        T payload) {
}
