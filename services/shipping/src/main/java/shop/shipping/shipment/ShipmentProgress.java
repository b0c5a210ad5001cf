package shop.shipping.shipment;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Moves due shipments on, in every replica (see {@link Shipments#advanceDue}). */
@Component
class ShipmentProgress {

    /** Bounds one transaction, so a backlog is moved in several short ones. */
    private static final int PER_ROUND = 100;

    private final Shipments shipments;

    ShipmentProgress(Shipments shipments) {
        this.shipments = shipments;
    }

    @Scheduled(fixedDelayString = "${shop.shipping.schedule.check-every:1s}")
    void advance() {
        while (shipments.advanceDue(PER_ROUND) == PER_ROUND) {
            // A full batch: there may be more due now.
        }
    }
}
