package shop.billing.checkout;

import java.util.Map;

/**
 * The shopper's cart as profiles holds it now.
 *
 * @param version raised by every change; one checkout per version places an order
 * @param items how many of each product, by product id, in the cart's order
 */
public record ShopperCart(long version, Map<Long, Integer> items) {
}
