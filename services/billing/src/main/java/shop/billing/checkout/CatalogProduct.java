package shop.billing.checkout;

/** A product as the catalog sells it now: what an order line is priced and weighed by. */
public record CatalogProduct(long id, String sku, String name, long priceCents, String currency, int weightGrams) {
}
