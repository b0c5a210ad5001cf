package shop.recommendations.product;

/** A product as the catalog sells it now, with everything its page shows. */
public record CatalogProduct(long id, String sku, String name, String description, long priceCents, String currency,
        String category, String imageUrl, int weightGrams) {
}
