package shop.inventory.reservation;

/** A reservation that cannot be made or committed, with the reason the caller will show. */
public class ReservationRefused extends RuntimeException {

    /** Why: stock ran out, a SKU is unknown, or the reservation is no longer held. */
    public enum Reason {
        OUT_OF_STOCK, UNKNOWN_SKU, NOT_HELD
    }

    private final Reason reason;

    ReservationRefused(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
