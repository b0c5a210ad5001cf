package shop.shipping.quote;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.stereotype.Service;
import shop.platform.problem.CalleeFailed;
import shop.platform.problem.InvalidFieldException;
import shop.shipping.quote.grpc.CatalogClient;

/**
 * Quotes for items named only by product id, as the front-end asks: each product's weight and
 * price come from the catalog over gRPC (a read, so retried), never from the client.
 */
@Service
public class CatalogQuotes {

    /** A product and how many of it. */
    public record OrderedItem(long productId, int quantity) {
    }

    private final CatalogClient catalog;
    private final RateCard rates;

    CatalogQuotes(CatalogClient catalog, RateCard rates) {
        this.catalog = catalog;
        this.rates = rates;
    }

    /**
     * @throws InvalidFieldException naming {@code items[i].productId} for a product the catalog
     *         does not sell, or as {@link RateCard} does
     * @throws CalleeFailed when the catalog cannot be reached in time
     */
    public Quote quote(String country, List<OrderedItem> items) {
        Zone zone = rates.zoneOf(country);
        Map<Long, CatalogProduct> products = catalog.sold(items.stream().map(OrderedItem::productId).distinct().toList())
                .stream()
                .collect(Collectors.toMap(CatalogProduct::id, Function.identity()));
        List<ShippedItem> parcel = new ArrayList<>();
        String currency = null;
        for (int i = 0; i < items.size(); i++) {
            CatalogProduct product = products.get(items.get(i).productId());
            if (product == null) {
                throw new InvalidFieldException("items[" + i + "].productId",
                        "no product with id " + items.get(i).productId());
            }
            if (currency != null && !currency.equals(product.currency())) {
                throw new InvalidFieldException("items[" + i + "].productId", "is priced in "
                        + product.currency() + ", the items before it in " + currency);
            }
            currency = product.currency();
            parcel.add(new ShippedItem(items.get(i).quantity(), product.weightGrams(), product.priceCents()));
        }
        return rates.quote(zone, parcel, currency);
    }
}
