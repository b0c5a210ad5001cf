package shop.payment.charge;

/** A request the payment's state or history does not allow, such as voiding a captured payment. */
public class PaymentRefused extends RuntimeException {

    PaymentRefused(String message) {
        super(message);
    }
}
