package shop.catalog.product.web;

import shop.catalog.product.Product;

/** A product as the public API shows it (docs/api.md#catalog); {@code category} is the category's slug. */
record ProductView(long id, String sku, String name, String description, long priceCents,
        String currency, String category, String imageUrl, int weightGrams) {

    static ProductView of(Product product) {
        return new ProductView(product.getId(), product.getSku(), product.getName(),
                product.getDescription(), product.getPriceCents(), product.getCurrency(),
                product.getCategory().getSlug(), product.getImageUrl(), product.getWeightGrams());
    }
}
