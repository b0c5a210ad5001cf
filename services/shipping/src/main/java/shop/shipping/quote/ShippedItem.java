package shop.shipping.quote;

/** One line of a parcel: how many units, and each unit's weight and price. */
public record ShippedItem(int quantity, int weightGrams, long priceCents) {
}
