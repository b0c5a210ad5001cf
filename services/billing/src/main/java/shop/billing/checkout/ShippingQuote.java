package shop.billing.checkout;

/** What shipping charges to send an order's lines to its address, and who carries them. */
public record ShippingQuote(long costCents, String carrier) {
}
