package shop.billing.order;

/** One product of an order at the price the catalog gave it during checkout. */
public record OrderLine(long productId, String sku, String name, int quantity, long unitPriceCents, int weightGrams) {

    public long lineCents() {
        return unitPriceCents * quantity;
    }
}
