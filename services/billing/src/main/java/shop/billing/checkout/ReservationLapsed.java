package shop.billing.checkout;

/** Inventory no longer held the order's stock when the order was to be committed: it expired or was released. */
public class ReservationLapsed extends RuntimeException {

    public ReservationLapsed(String reason) {
        super(reason, null, false, false);
    }
}
