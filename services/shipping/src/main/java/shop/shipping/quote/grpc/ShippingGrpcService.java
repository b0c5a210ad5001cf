package shop.shipping.quote.grpc;

import java.util.List;
import java.util.UUID;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.springframework.stereotype.Service;
import shop.platform.grpc.CalledBy;
import shop.platform.problem.InvalidFieldException;
import shop.shipping.quote.Quote;
import shop.shipping.quote.RateCard;
import shop.shipping.quote.ShippedItem;
import shop.shipping.shipment.Shipments;
import shop.shipping.v1.CancelShipmentRequest;
import shop.shipping.v1.CancelShipmentResponse;
import shop.shipping.v1.Item;
import shop.shipping.v1.QuoteRequest;
import shop.shipping.v1.QuoteResponse;
import shop.shipping.v1.ShippingServiceGrpc;

/**
 * Billing's calls: the shipping step of the checkout saga (billing sends the items as it priced
 * and weighed them), and stopping a shipment when the shopper cancels the order.
 */
@Service
class ShippingGrpcService extends ShippingServiceGrpc.ShippingServiceImplBase {

    private final RateCard rates;
    private final Shipments shipments;

    ShippingGrpcService(RateCard rates, Shipments shipments) {
        this.rates = rates;
        this.shipments = shipments;
    }

    @Override
    @CalledBy("billing")
    public void cancelShipment(CancelShipmentRequest request, StreamObserver<CancelShipmentResponse> response) {
        UUID orderId;
        try {
            orderId = UUID.fromString(request.getOrderId());
        } catch (IllegalArgumentException e) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("order_id: not a UUID").asRuntimeException());
            return;
        }
        if (!shipments.cancelBeforeDispatch(orderId)) {
            response.onError(Status.FAILED_PRECONDITION
                    .withDescription("the shipment of order " + orderId + " was already dispatched").asRuntimeException());
            return;
        }
        response.onNext(CancelShipmentResponse.getDefaultInstance());
        response.onCompleted();
    }

    @Override
    @CalledBy("billing")
    public void quote(QuoteRequest request, StreamObserver<QuoteResponse> response) {
        String problem = invalid(request);
        if (problem != null) {
            response.onError(Status.INVALID_ARGUMENT.withDescription(problem).asRuntimeException());
            return;
        }
        List<ShippedItem> items = request.getItemsList().stream()
                .map(item -> new ShippedItem(item.getQuantity(), item.getWeightGrams(), item.getPriceCents()))
                .toList();
        Quote quote;
        try {
            quote = rates.quote(rates.zoneOf(request.getAddress().getCountry()), items, request.getCurrency());
        } catch (InvalidFieldException e) {
            response.onError(Status.INVALID_ARGUMENT.withDescription(e.field() + ": " + e.getMessage())
                    .asRuntimeException());
            return;
        }
        response.onNext(QuoteResponse.newBuilder()
                .setCostCents(quote.costCents())
                .setCurrency(quote.currency())
                .setCarrier(quote.carrier())
                .setEtaDays(quote.etaDays())
                .setZone(quote.zone().wireName())
                .build());
        response.onCompleted();
    }

    private static String invalid(QuoteRequest request) {
        if (!request.hasAddress()) {
            return "address: required";
        }
        if (request.getItemsCount() == 0 || request.getItemsCount() > RateCard.MAX_ITEMS) {
            return "items: between 1 and " + RateCard.MAX_ITEMS + " required, got " + request.getItemsCount();
        }
        for (int i = 0; i < request.getItemsCount(); i++) {
            Item item = request.getItems(i);
            if (item.getQuantity() < 1 || item.getQuantity() > RateCard.MAX_QUANTITY) {
                return "items[" + i + "].quantity: between 1 and " + RateCard.MAX_QUANTITY + ", got "
                        + item.getQuantity();
            }
            if (item.getWeightGrams() < 1) {
                return "items[" + i + "].weight_grams: must be positive, got " + item.getWeightGrams();
            }
            if (item.getPriceCents() < 0) {
                return "items[" + i + "].price_cents: must not be negative, got " + item.getPriceCents();
            }
        }
        return null;
    }
}
