package shop.billing.checkout;

/** Shipping could not stop an order's shipment: the parcel has left. */
public class AlreadyDispatched extends RuntimeException {

    public AlreadyDispatched(String reason) {
        super(reason, null, false, false);
    }
}
