package shop.recommendations.product;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import shop.platform.problem.CalleeFailed;
import shop.recommendations.product.grpc.CatalogClient;

/**
 * Recommends products for a product page: those bought together with it, else the popular ones of
 * its category, else the popular ones. Product details come from catalog's gRPC; a product the
 * catalog no longer sells is left out, and a catalog that does not answer gives no
 * recommendations rather than an error: the product page shows none, never an error.
 */
@Service
public class Recommender {

    private static final Logger log = LoggerFactory.getLogger(Recommender.class);
    /** How many popular products are looked through for ones of the same category. */
    private static final int POPULAR_POOL = 50;

    private final Purchases purchases;
    private final CatalogClient catalog;

    Recommender(Purchases purchases, CatalogClient catalog) {
        this.purchases = purchases;
        this.catalog = catalog;
    }

    public List<CatalogProduct> recommend(long productId, int limit) {
        try {
            List<CatalogProduct> together = details(purchases.boughtWith(productId, limit));
            if (!together.isEmpty()) {
                return together;
            }
            List<Long> popularIds = purchases.popular(POPULAR_POOL).stream().filter(id -> id != productId).toList();
            List<CatalogProduct> pool = details(Stream.concat(Stream.of(productId), popularIds.stream()).toList());
            String category = pool.stream().filter(product -> product.id() == productId).map(CatalogProduct::category)
                    .findFirst().orElse(null);
            List<CatalogProduct> popular = pool.stream().filter(product -> product.id() != productId).toList();
            List<CatalogProduct> sameCategory = popular.stream().filter(product -> product.category().equals(category))
                    .limit(limit).toList();
            return sameCategory.isEmpty() ? popular.stream().limit(limit).toList() : sameCategory;
        } catch (CalleeFailed e) {
            log.warn("no recommendations for product {}: catalog answered {}", productId, e.getMessage());
            return List.of();
        }
    }

    /** The products with these ids, in this order, without those the catalog no longer has. */
    private List<CatalogProduct> details(List<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<Long, CatalogProduct> found = catalog.sold(ids).stream()
                .collect(Collectors.toMap(CatalogProduct::id, Function.identity()));
        return ids.stream().map(found::get).filter(Objects::nonNull).toList();
    }
}
