package shop.payment.charge.grpc;

import java.util.UUID;
import java.util.function.Supplier;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.springframework.stereotype.Service;
import shop.payment.card.CardDetails;
import shop.payment.card.InvalidCardException;
import shop.payment.charge.PaymentRecord;
import shop.payment.charge.PaymentRefused;
import shop.payment.charge.Payments;
import shop.payment.v1.AuthorizeRequest;
import shop.payment.v1.CaptureRequest;
import shop.payment.v1.LookupRequest;
import shop.payment.v1.Payment;
import shop.payment.v1.PaymentServiceGrpc;
import shop.payment.v1.PaymentStatus;
import shop.payment.v1.RefundRequest;
import shop.payment.v1.VoidRequest;
import shop.platform.grpc.CalledBy;

/** The payment steps of billing's checkout saga (and of cancellations). */
@Service
class PaymentGrpcService extends PaymentServiceGrpc.PaymentServiceImplBase {

    private final Payments payments;

    PaymentGrpcService(Payments payments) {
        this.payments = payments;
    }

    @Override
    @CalledBy("billing")
    public void authorize(AuthorizeRequest request, StreamObserver<Payment> response) {
        String problem = invalid(request);
        if (problem != null) {
            response.onError(Status.INVALID_ARGUMENT.withDescription(problem).asRuntimeException());
            return;
        }
        CardDetails card = new CardDetails(request.getCard().getNumber(), request.getCard().getExpMonth(),
                request.getCard().getExpYear(), request.getCard().getCvc());
        answer(response, () -> payments.authorize(request.getIdempotencyKey(), request.getOrderId(),
                request.getUserId(), request.getAmountCents(), request.getCurrency(), card));
    }

    @Override
    @CalledBy("billing")
    public void capture(CaptureRequest request, StreamObserver<Payment> response) {
        step(Payments.Step.CAPTURE, request.getIdempotencyKey(), request.getPaymentId(), response);
    }

    @Override
    @CalledBy("billing")
    public void void_(VoidRequest request, StreamObserver<Payment> response) {
        step(Payments.Step.VOID, request.getIdempotencyKey(), request.getPaymentId(), response);
    }

    @Override
    @CalledBy("billing")
    public void refund(RefundRequest request, StreamObserver<Payment> response) {
        step(Payments.Step.REFUND, request.getIdempotencyKey(), request.getPaymentId(), response);
    }

    @Override
    @CalledBy("billing")
    public void lookup(LookupRequest request, StreamObserver<Payment> response) {
        payments.byKey(request.getIdempotencyKey()).ifPresentOrElse(payment -> {
            response.onNext(toMessage(payment));
            response.onCompleted();
        }, () -> response.onError(Status.NOT_FOUND.withDescription("no authorisation with this key").asRuntimeException()));
    }

    private void step(Payments.Step step, String idempotencyKey, String paymentId, StreamObserver<Payment> response) {
        UUID id;
        try {
            id = UUID.fromString(paymentId);
        } catch (IllegalArgumentException e) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("payment_id: not a UUID").asRuntimeException());
            return;
        }
        if (idempotencyKey.isBlank()) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("idempotency_key: required").asRuntimeException());
            return;
        }
        answer(response, () -> payments.step(step, idempotencyKey, id));
    }

    private static void answer(StreamObserver<Payment> response, Supplier<PaymentRecord> call) {
        PaymentRecord payment;
        try {
            payment = call.get();
        } catch (InvalidCardException e) {
            response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (PaymentRefused e) {
            response.onError(Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        response.onNext(toMessage(payment));
        response.onCompleted();
    }

    private static Payment toMessage(PaymentRecord payment) {
        Payment.Builder message = Payment.newBuilder()
                .setPaymentId(payment.id().toString())
                .setStatus(PaymentStatus.valueOf(payment.status()))
                .setOrderId(payment.orderId())
                .setAmountCents(payment.amountCents())
                .setCurrency(payment.currency())
                .setCardBrand(payment.cardBrand())
                .setCardLast4(payment.cardLast4());
        if (payment.declineReason() != null) {
            message.setDeclineReason(payment.declineReason());
        }
        return message.build();
    }

    private static String invalid(AuthorizeRequest request) {
        if (request.getIdempotencyKey().isBlank() || request.getIdempotencyKey().length() > 200) {
            return "idempotency_key: required, at most 200 characters";
        }
        if (request.getOrderId().isBlank()) {
            return "order_id: required";
        }
        if (request.getUserId().isBlank()) {
            return "user_id: required";
        }
        if (request.getAmountCents() <= 0) {
            return "amount_cents: must be positive";
        }
        if (!request.getCurrency().matches("[A-Z]{3}")) {
            return "currency: must be an ISO 4217 code such as USD";
        }
        if (!request.hasCard()) {
            return "card: required";
        }
        return null;
    }
}
