package shop.catalog.product;

/**
 * What an admin sends to create or change a product; {@code category} is a category slug and a
 * blank {@code imageUrl} means the placeholder picture.
 */
public record ProductDraft(String sku, String name, String description, long priceCents, String currency,
        String category, String imageUrl, int weightGrams) {

    static final String PLACEHOLDER_IMAGE = "/api/catalog/images/placeholder.svg";

    public ProductDraft {
        imageUrl = imageUrl == null || imageUrl.isBlank() ? PLACEHOLDER_IMAGE : imageUrl;
        description = description == null ? "" : description;
    }
}
