package shop.inventory.reservation;

import java.util.List;

/** A reservation that cannot be made or committed, with the reason the caller will show. */
public class ReservationRefused extends RuntimeException {

    /** Why: stock ran out, a SKU is unknown, or the reservation is no longer held. */
    public enum Reason {
        OUT_OF_STOCK, UNKNOWN_SKU, NOT_HELD
    }

    private final Reason reason;
    private final List<String> skus;

    ReservationRefused(Reason reason, String message, List<String> skus) {
        super(message);
        this.reason = reason;
        this.skus = List.copyOf(skus);
    }

    ReservationRefused(Reason reason, String message) {
        this(reason, message, List.of());
    }

    public Reason reason() {
        return reason;
    }

    /** The SKUs that ran out or are unknown; none for NOT_HELD. */
    public List<String> skus() {
        return skus;
    }
}
