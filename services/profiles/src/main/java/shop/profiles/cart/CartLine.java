package shop.profiles.cart;

/** A product in a cart and how many of it. */
public record CartLine(long productId, int quantity) {
}
