package shop.shipping.quote;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.stereotype.Service;
import shop.catalog.v1.CatalogServiceGrpc;
import shop.catalog.v1.GetProductsRequest;
import shop.catalog.v1.Product;
import shop.platform.grpc.GrpcCalls;
import shop.platform.grpc.ServiceChannels;
import shop.platform.problem.InvalidFieldException;

/**
 * Quotes for items named only by product id, as the front-end asks: each product's weight and
 * price come from the catalog over gRPC (a read, so retried), never from the client.
 */
@Service
public class CatalogQuotes {

    /** A product and how many of it. */
    public record OrderedItem(long productId, int quantity) {
    }

    private static final String CATALOG = "catalog";

    private final CatalogServiceGrpc.CatalogServiceBlockingStub catalog;
    private final GrpcCalls calls;
    private final RateCard rates;

    CatalogQuotes(ServiceChannels channels, GrpcCalls calls, RateCard rates) {
        this.catalog = CatalogServiceGrpc.newBlockingStub(channels.channel(CATALOG));
        this.calls = calls;
        this.rates = rates;
    }

    /**
     * @throws InvalidFieldException naming {@code items[i].productId} for a product the catalog
     *         does not sell, or as {@link RateCard} does
     * @throws shop.platform.problem.CalleeFailed when the catalog cannot be reached in time
     */
    public Quote quote(String country, List<OrderedItem> items) {
        Zone zone = rates.zoneOf(country);
        GetProductsRequest request = GetProductsRequest.newBuilder()
                .addAllIds(items.stream().map(OrderedItem::productId).distinct().toList())
                .build();
        Map<Long, Product> products = calls.idempotent(CATALOG, () -> calls.withDeadline(catalog).getProducts(request))
                .getProductsList().stream()
                .collect(Collectors.toMap(Product::getId, Function.identity()));
        List<ShippedItem> parcel = new ArrayList<>();
        String currency = null;
        for (int i = 0; i < items.size(); i++) {
            Product product = products.get(items.get(i).productId());
            if (product == null) {
                throw new InvalidFieldException("items[" + i + "].productId",
                        "no product with id " + items.get(i).productId());
            }
            if (currency != null && !currency.equals(product.getCurrency())) {
                throw new InvalidFieldException("items[" + i + "].productId", "is priced in "
                        + product.getCurrency() + ", the items before it in " + currency);
            }
            currency = product.getCurrency();
            parcel.add(new ShippedItem(items.get(i).quantity(), product.getWeightGrams(), product.getPriceCents()));
        }
        return rates.quote(zone, parcel, currency);
    }
}
