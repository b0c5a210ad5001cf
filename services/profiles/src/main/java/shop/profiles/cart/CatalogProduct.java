package shop.profiles.cart;

/** A product as the catalog sells it now: what a cart line shows and is priced at. */
public record CatalogProduct(long id, String sku, String name, long priceCents, String currency) {
}
