package shop.billing.checkout;

/**
 * A checkout that ended without an order, and what the shopper is told: the status docs/api.md
 * lists (400 bad card or address, 402 declined, 409 stock or cart, 503 a service down) and,
 * for a 400, the field. Stored with the order so the same key gets the same answer.
 */
class CheckoutFailed extends RuntimeException {

    private final int status;
    private final String field;

    CheckoutFailed(int status, String detail, String field) {
        super(detail, null, false, false);
        this.status = status;
        this.field = field;
    }

    CheckoutFailed(int status, String detail) {
        this(status, detail, null);
    }

    int status() {
        return status;
    }

    String field() {
        return field;
    }
}
