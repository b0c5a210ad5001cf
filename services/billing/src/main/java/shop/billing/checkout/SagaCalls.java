package shop.billing.checkout;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import io.grpc.Status;
import org.springframework.stereotype.Component;
import shop.catalog.v1.CatalogServiceGrpc;
import shop.catalog.v1.GetProductsRequest;
import shop.catalog.v1.GetProductsResponse;
import shop.inventory.v1.CommitRequest;
import shop.inventory.v1.InventoryServiceGrpc;
import shop.inventory.v1.ReleaseRequest;
import shop.inventory.v1.ReserveRequest;
import shop.payment.v1.AuthorizeRequest;
import shop.payment.v1.CaptureRequest;
import shop.payment.v1.LookupRequest;
import shop.payment.v1.Payment;
import shop.payment.v1.PaymentServiceGrpc;
import shop.payment.v1.RefundRequest;
import shop.payment.v1.VoidRequest;
import shop.platform.grpc.GrpcCalls;
import shop.platform.grpc.ServiceChannels;
import shop.platform.problem.CalleeFailed;
import shop.profiles.v1.Cart;
import shop.profiles.v1.ClearCartRequest;
import shop.profiles.v1.GetCartRequest;
import shop.profiles.v1.ProfilesServiceGrpc;
import shop.shipping.v1.CancelShipmentRequest;
import shop.shipping.v1.QuoteRequest;
import shop.shipping.v1.QuoteResponse;
import shop.shipping.v1.ShippingServiceGrpc;

/**
 * Every call the checkout saga (and a cancellation) makes to another service. Each has a deadline and a breaker
 * (GrpcCalls); all are retried on an unreachable callee, because each is idempotent: reads,
 * calls keyed by the order id (inventory), or by an idempotency key derived from it (payment).
 */
@Component
class SagaCalls {

    private final GrpcCalls calls;
    private final ProfilesServiceGrpc.ProfilesServiceBlockingStub profiles;
    private final CatalogServiceGrpc.CatalogServiceBlockingStub catalog;
    private final InventoryServiceGrpc.InventoryServiceBlockingStub inventory;
    private final ShippingServiceGrpc.ShippingServiceBlockingStub shipping;
    private final PaymentServiceGrpc.PaymentServiceBlockingStub payment;

    SagaCalls(ServiceChannels channels, GrpcCalls calls) {
        this.calls = calls;
        this.profiles = ProfilesServiceGrpc.newBlockingStub(channels.channel("profiles"));
        this.catalog = CatalogServiceGrpc.newBlockingStub(channels.channel("catalog"));
        this.inventory = InventoryServiceGrpc.newBlockingStub(channels.channel("inventory"));
        this.shipping = ShippingServiceGrpc.newBlockingStub(channels.channel("shipping"));
        this.payment = PaymentServiceGrpc.newBlockingStub(channels.channel("payment"));
    }

    Cart cart(String userId) {
        GetCartRequest request = GetCartRequest.newBuilder().setUserId(userId).build();
        return calls.idempotent("profiles", () -> calls.withDeadline(profiles).getCart(request));
    }

    void clearCart(String userId) {
        ClearCartRequest request = ClearCartRequest.newBuilder().setUserId(userId).build();
        calls.idempotent("profiles", () -> calls.withDeadline(profiles).clearCart(request));
    }

    GetProductsResponse products(Collection<Long> ids) {
        GetProductsRequest request = GetProductsRequest.newBuilder().addAllIds(List.copyOf(ids)).build();
        return calls.idempotent("catalog", () -> calls.withDeadline(catalog).getProducts(request));
    }

    void reserve(ReserveRequest request) {
        calls.idempotent("inventory", () -> calls.withDeadline(inventory).reserve(request));
    }

    void release(String orderId) {
        ReleaseRequest request = ReleaseRequest.newBuilder().setOrderId(orderId).build();
        calls.idempotent("inventory", () -> calls.withDeadline(inventory).release(request));
    }

    void commit(String orderId) {
        CommitRequest request = CommitRequest.newBuilder().setOrderId(orderId).build();
        calls.idempotent("inventory", () -> calls.withDeadline(inventory).commit(request));
    }

    QuoteResponse quote(QuoteRequest request) {
        return calls.idempotent("shipping", () -> calls.withDeadline(shipping).quote(request));
    }

    Payment authorize(AuthorizeRequest request) {
        return calls.idempotent("payment", () -> calls.withDeadline(payment).authorize(request));
    }

    /** The authorisation an Authorize with this key made, if it reached payment. */
    Optional<Payment> authorization(String idempotencyKey) {
        LookupRequest request = LookupRequest.newBuilder().setIdempotencyKey(idempotencyKey).build();
        try {
            return Optional.of(calls.idempotent("payment", () -> calls.withDeadline(payment).lookup(request)));
        } catch (CalleeFailed e) {
            if (Status.fromThrowable(e).getCode() == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    Payment capture(String idempotencyKey, String paymentId) {
        CaptureRequest request = CaptureRequest.newBuilder().setIdempotencyKey(idempotencyKey)
                .setPaymentId(paymentId).build();
        return calls.idempotent("payment", () -> calls.withDeadline(payment).capture(request));
    }

    Payment refund(String idempotencyKey, String paymentId) {
        RefundRequest request = RefundRequest.newBuilder().setIdempotencyKey(idempotencyKey)
                .setPaymentId(paymentId).build();
        return calls.idempotent("payment", () -> calls.withDeadline(payment).refund(request));
    }

    /** Stops the order's shipment; FAILED_PRECONDITION once it was dispatched. */
    void cancelShipment(String orderId) {
        CancelShipmentRequest request = CancelShipmentRequest.newBuilder().setOrderId(orderId).build();
        calls.idempotent("shipping", () -> calls.withDeadline(shipping).cancelShipment(request));
    }

    Payment voidPayment(String idempotencyKey, String paymentId) {
        VoidRequest request = VoidRequest.newBuilder().setIdempotencyKey(idempotencyKey)
                .setPaymentId(paymentId).build();
        return calls.idempotent("payment", () -> calls.withDeadline(payment).void_(request));
    }
}
