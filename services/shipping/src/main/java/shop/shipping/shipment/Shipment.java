package shop.shipping.shipment;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A parcel for one order, and the statuses it has reached so far. */
public record Shipment(UUID id, UUID orderId, UUID userId, String trackingNumber, String carrier, Status status,
        List<Tracked> events) {

    /** Where a parcel is; it moves forward through these in order, or is cancelled before dispatch. */
    public enum Status {
        LABEL_CREATED, DISPATCHED, IN_TRANSIT, DELIVERED, CANCELLED;

        /** The status after this one on the schedule; null for a final one. */
        Status next() {
            return switch (this) {
                case LABEL_CREATED -> DISPATCHED;
                case DISPATCHED -> IN_TRANSIT;
                case IN_TRANSIT -> DELIVERED;
                case DELIVERED, CANCELLED -> null;
            };
        }
    }

    /** One status the parcel reached, and when. */
    public record Tracked(Status status, Instant at) {
    }
}
