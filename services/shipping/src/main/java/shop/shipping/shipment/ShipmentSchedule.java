package shop.shipping.shipment;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How a shipment advances, standing in for a carrier's scans.
 *
 * @param labelCreatedFor from the label (order placed) to dispatch; the order may be cancelled until then
 * @param dispatchedFor from dispatch to in transit
 * @param inTransitFor from in transit to delivered
 * @param checkEvery how often due shipments are moved on
 */
@ConfigurationProperties("shop.shipping.schedule")
public record ShipmentSchedule(Duration labelCreatedFor, Duration dispatchedFor, Duration inTransitFor,
        Duration checkEvery) {

    public ShipmentSchedule {
        labelCreatedFor = labelCreatedFor == null ? Duration.ofMinutes(2) : labelCreatedFor;
        dispatchedFor = dispatchedFor == null ? Duration.ofMinutes(2) : dispatchedFor;
        inTransitFor = inTransitFor == null ? Duration.ofMinutes(5) : inTransitFor;
        checkEvery = checkEvery == null ? Duration.ofSeconds(1) : checkEvery;
    }

    /** How long a shipment stays in this status; null for a final one. */
    Duration stayIn(Shipment.Status status) {
        return switch (status) {
            case LABEL_CREATED -> labelCreatedFor;
            case DISPATCHED -> dispatchedFor;
            case IN_TRANSIT -> inTransitFor;
            case DELIVERED, CANCELLED -> null;
        };
    }
}
