package shop.billing.checkout;

import java.util.UUID;

/**
 * A card payment as payment keeps it: what an order records of it, and whether the amount is
 * still only held on the card (authorised, neither captured nor voided), so an undo voids it.
 */
public record CardPayment(UUID id, boolean held, String cardBrand, String cardLast4) {
}
