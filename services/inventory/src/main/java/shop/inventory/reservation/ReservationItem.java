package shop.inventory.reservation;

/** How many of a SKU an order wants held. */
public record ReservationItem(String sku, int quantity) {
}
