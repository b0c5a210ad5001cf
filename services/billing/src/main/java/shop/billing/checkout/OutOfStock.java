package shop.billing.checkout;

import java.util.List;

/** Inventory could not hold an order's stock, so it holds none of it. */
public class OutOfStock extends RuntimeException {

    private final List<String> skus;

    /** @param skus the SKUs inventory has too few of (or none at all); empty when it did not say */
    public OutOfStock(List<String> skus) {
        super("not enough stock of " + (skus.isEmpty() ? "the order" : String.join(", ", skus)), null, false, false);
        this.skus = List.copyOf(skus);
    }

    public List<String> skus() {
        return skus;
    }
}
