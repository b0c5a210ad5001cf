package shop.shipping.quote;

/** A product as the catalog sells it now: what a parcel line weighs and is worth. */
public record CatalogProduct(long id, long priceCents, String currency, int weightGrams) {
}
