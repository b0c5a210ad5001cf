package shop.billing.checkout.grpc;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.grpc.Status;
import org.springframework.stereotype.Component;
import shop.billing.checkout.CardDeclined;
import shop.billing.checkout.CardPayment;
import shop.billing.checkout.CheckoutRequest;
import shop.payment.v1.AuthorizeRequest;
import shop.payment.v1.Card;
import shop.payment.v1.CaptureRequest;
import shop.payment.v1.LookupRequest;
import shop.payment.v1.Payment;
import shop.payment.v1.PaymentServiceGrpc;
import shop.payment.v1.PaymentStatus;
import shop.payment.v1.RefundRequest;
import shop.payment.v1.VoidRequest;
import shop.platform.grpc.Callee;
import shop.platform.grpc.GrpcCalls;
import shop.platform.problem.CalleeFailed;
import shop.platform.problem.InvalidFieldException;

/**
 * The card payments of checkouts and cancellations, from payment over gRPC. Every call carries an
 * idempotency key derived from the order, so each is retried on an unreachable payment.
 */
@Component
public class PaymentClient {

    /** Payment's card fields that the checkout request names otherwise. */
    private static final Map<String, String> RENAMED = Map.of(
            "card.number", "payment.cardNumber",
            "card.exp", "payment.expYear");

    private final Callee<PaymentServiceGrpc.PaymentServiceBlockingStub> payment;

    PaymentClient(GrpcCalls calls) {
        this.payment = calls.callee("payment", PaymentServiceGrpc::newBlockingStub);
    }

    /**
     * Holds the amount on the card; the same key returns the first answer and never holds twice.
     *
     * @throws CardDeclined when the issuer refuses the card
     * @throws InvalidFieldException naming the checkout request's card field payment finds wrong ({@code payment.cvc})
     */
    public CardPayment authorize(String idempotencyKey, UUID orderId, UUID userId, long amountCents, String currency,
            CheckoutRequest.Card card) {
        AuthorizeRequest request = AuthorizeRequest.newBuilder()
                .setIdempotencyKey(idempotencyKey)
                .setOrderId(orderId.toString())
                .setUserId(userId.toString())
                .setAmountCents(amountCents)
                .setCurrency(currency)
                .setCard(Card.newBuilder().setNumber(card.digits()).setExpMonth(card.expMonth())
                        .setExpYear(card.expYear()).setCvc(card.cvc()))
                .build();
        Payment authorized;
        try {
            authorized = payment.idempotent(stub -> stub.authorize(request));
        } catch (CalleeFailed failure) {
            throw Refusals.asCheckoutField(failure, "card.", "payment.", RENAMED);
        }
        if (authorized.getStatus() == PaymentStatus.DECLINED) {
            throw new CardDeclined("insufficient_funds".equals(authorized.getDeclineReason()));
        }
        return cardPayment(authorized);
    }

    /** The payment an authorisation with this key made, if it reached payment. */
    public Optional<CardPayment> authorization(String idempotencyKey) {
        LookupRequest request = LookupRequest.newBuilder().setIdempotencyKey(idempotencyKey).build();
        try {
            return Optional.of(cardPayment(payment.idempotent(stub -> stub.lookup(request))));
        } catch (CalleeFailed failure) {
            if (Status.fromThrowable(failure).getCode() == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw failure;
        }
    }

    public void capture(String idempotencyKey, UUID paymentId) {
        CaptureRequest request = CaptureRequest.newBuilder().setIdempotencyKey(idempotencyKey)
                .setPaymentId(paymentId.toString()).build();
        payment.idempotent(stub -> stub.capture(request));
    }

    /** Lets go of an authorisation that was not captured. */
    public void voidAuthorization(String idempotencyKey, UUID paymentId) {
        VoidRequest request = VoidRequest.newBuilder().setIdempotencyKey(idempotencyKey)
                .setPaymentId(paymentId.toString()).build();
        payment.idempotent(stub -> stub.void_(request));
    }

    public void refund(String idempotencyKey, UUID paymentId) {
        RefundRequest request = RefundRequest.newBuilder().setIdempotencyKey(idempotencyKey)
                .setPaymentId(paymentId.toString()).build();
        payment.idempotent(stub -> stub.refund(request));
    }

    private static CardPayment cardPayment(Payment payment) {
        return new CardPayment(UUID.fromString(payment.getPaymentId()), payment.getStatus() == PaymentStatus.AUTHORIZED,
                payment.getCardBrand(), payment.getCardLast4());
    }
}
