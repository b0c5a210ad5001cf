package shop.billing.checkout.grpc;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.grpc.Status;
import org.springframework.stereotype.Component;
import shop.billing.checkout.AlreadyDispatched;
import shop.billing.checkout.ShippingQuote;
import shop.billing.order.Address;
import shop.billing.order.OrderLine;
import shop.platform.grpc.Callee;
import shop.platform.grpc.GrpcCalls;
import shop.platform.problem.CalleeFailed;
import shop.platform.problem.InvalidFieldException;
import shop.shipping.v1.CancelShipmentRequest;
import shop.shipping.v1.Item;
import shop.shipping.v1.QuoteRequest;
import shop.shipping.v1.QuoteResponse;
import shop.shipping.v1.ShippingServiceGrpc;

/**
 * Shipping quotes for checkouts and stopping the shipment of a cancelled order, from shipping over
 * gRPC. Both are retried on an unreachable shipping: a quote is a read, a cancellation is keyed by the order.
 */
@Component
public class ShippingClient {

    /** Shipping's address fields that the checkout request names otherwise. */
    private static final Map<String, String> RENAMED = Map.of("address.postal_code", "shippingAddress.postalCode");

    private final Callee<ShippingServiceGrpc.ShippingServiceBlockingStub> shipping;

    ShippingClient(GrpcCalls calls) {
        this.shipping = calls.callee("shipping", ShippingServiceGrpc::newBlockingStub);
    }

    /**
     * The rate for sending these lines, as the catalog priced and weighed them, to this address.
     *
     * @throws InvalidFieldException naming the checkout request's address field shipping cannot serve
     *         ({@code shippingAddress.country})
     */
    public ShippingQuote quote(Address address, List<OrderLine> lines, String currency) {
        QuoteRequest.Builder request = QuoteRequest.newBuilder().setCurrency(currency);
        request.getAddressBuilder()
                .setLine1(address.line1())
                .setLine2(address.line2() == null ? "" : address.line2())
                .setCity(address.city())
                .setPostalCode(address.postalCode())
                .setCountry(address.country().toUpperCase());
        lines.forEach(line -> request.addItems(Item.newBuilder().setProductId(line.productId())
                .setQuantity(line.quantity()).setWeightGrams(line.weightGrams()).setPriceCents(line.unitPriceCents())));
        QuoteResponse quote;
        try {
            quote = shipping.idempotent(stub -> stub.quote(request.build()));
        } catch (CalleeFailed failure) {
            throw Refusals.asCheckoutField(failure, "address.", "shippingAddress.", RENAMED);
        }
        return new ShippingQuote(quote.getCostCents(), quote.getCarrier());
    }

    /** @throws AlreadyDispatched when the parcel has left; repeating a cancellation succeeds */
    public void cancelShipment(UUID orderId) {
        CancelShipmentRequest request = CancelShipmentRequest.newBuilder().setOrderId(orderId.toString()).build();
        try {
            shipping.idempotent(stub -> stub.cancelShipment(request));
        } catch (CalleeFailed failure) {
            throw Refusals.as(failure, Status.Code.FAILED_PRECONDITION, AlreadyDispatched::new);
        }
    }
}
