package shop.profiles.cart;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.web.server.ResponseStatusException;
import shop.profiles.ProfilesProperties;
import shop.profiles.cart.grpc.CatalogClient;

/**
 * The cart as the shopper sees it: each line priced from the catalog now, the total, and the
 * version a checkout names to buy exactly this cart.
 */
@Service
public class PricedCart {

    public record Line(long productId, String sku, String name, int quantity, long priceCents) {
    }

    public record View(List<Line> items, long totalCents, String currency, long version) {
    }

    private final Carts carts;
    private final CatalogClient catalog;
    private final ProfilesProperties properties;

    PricedCart(Carts carts, CatalogClient catalog, ProfilesProperties properties) {
        this.carts = carts;
        this.catalog = catalog;
        this.properties = properties;
    }

    public View view(UUID accountId) {
        Carts.StoredCart stored = carts.cart(accountId);
        CatalogProducts found = catalog.products(stored.lines().stream().map(CartLine::productId).toList());
        if (!found.notSoldIds().isEmpty()) {
            carts.remove(accountId, found.notSoldIds());
            stored = carts.cart(accountId);
        }
        Map<Long, CatalogProduct> products = found.sold().stream()
                .collect(Collectors.toMap(CatalogProduct::id, Function.identity()));
        List<Line> priced = stored.lines().stream()
                .filter(line -> products.containsKey(line.productId()))
                .map(line -> {
                    CatalogProduct product = products.get(line.productId());
                    return new Line(line.productId(), product.sku(), product.name(), line.quantity(),
                            product.priceCents());
                })
                .toList();
        long total = priced.stream().mapToLong(line -> line.priceCents() * line.quantity()).sum();
        String currency = products.values().stream().map(CatalogProduct::currency).findFirst()
                .orElse(properties.currency());
        return new View(priced, total, currency, stored.version());
    }

    /** @throws ResponseStatusException 404 when the catalog does not sell this product */
    public View setQuantity(UUID accountId, long productId, int quantity) {
        if (quantity > 0 && catalog.products(List.of(productId)).sold().isEmpty()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No product with id " + productId + ".");
        }
        carts.setQuantity(accountId, productId, quantity);
        return view(accountId);
    }
}
