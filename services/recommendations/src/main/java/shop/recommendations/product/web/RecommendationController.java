package shop.recommendations.product.web;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import shop.platform.problem.InvalidFieldException;
import shop.recommendations.product.CatalogProduct;
import shop.recommendations.product.Recommender;

/** {@code GET /api/recommendations?productId=&limit=4}: products, as the catalog shows them (docs/api.md). */
@RestController
class RecommendationController {

    /** A product as catalog's REST API shows it. */
    record ProductView(long id, String sku, String name, String description, long priceCents, String currency,
            String category, String imageUrl, int weightGrams) {

        static ProductView of(CatalogProduct product) {
            return new ProductView(product.id(), product.sku(), product.name(), product.description(),
                    product.priceCents(), product.currency(), product.category(), product.imageUrl(),
                    product.weightGrams());
        }
    }

    private final Recommender recommender;

    RecommendationController(Recommender recommender) {
        this.recommender = recommender;
    }

    @GetMapping("/api/recommendations")
    List<ProductView> recommendations(@RequestParam(required = false) Long productId,
            @RequestParam(defaultValue = "4") int limit) {
        if (productId == null || productId < 1) {
            throw new InvalidFieldException("productId", "is required: a catalog product id");
        }
        if (limit < 1 || limit > 20) {
            throw new InvalidFieldException("limit", "must be between 1 and 20");
        }
        return recommender.recommend(productId, limit).stream().map(ProductView::of).toList();
    }
}
