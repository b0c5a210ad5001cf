package shop.payment.charge;

import java.util.UUID;

/** A payment as stored: what it is for, the card's brand and last four digits, and its state. */
public record PaymentRecord(UUID id, String orderId, String userId, long amountCents, String currency,
        String cardBrand, String cardLast4, String status, String declineReason) {
}
