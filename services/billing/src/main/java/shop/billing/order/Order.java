package shop.billing.order;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An order as its owner sees it. Amounts are null while a checkout has not priced it yet, the
 * invoice fields while it has not been placed, and the cancel reason unless it is cancelled.
 */
public record Order(UUID id, UUID userId, String status, String cancelReason, Instant createdAt, Address shippingAddress,
        List<OrderLine> lines, Long itemsCents, Long shippingCents, Long totalCents, String currency,
        String carrier, String cardBrand, String cardLast4, UUID invoiceId, String invoiceNumber,
        Instant invoicedAt) {
}
