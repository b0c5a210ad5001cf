package shop.billing.checkout;

import java.util.List;

/**
 * The catalog's answer for a cart's products.
 *
 * @param sold the products it sells, in the order asked
 * @param notSoldIds the ids it does not sell (any more)
 */
public record CatalogProducts(List<CatalogProduct> sold, List<Long> notSoldIds) {
}
