package shop.events.v1;

import java.util.List;
import java.util.UUID;

/** billing, once a checkout is paid and confirmed. Amounts in minor units of {@code currency}. */
public record OrderPlaced(UUID orderId, UUID userId, List<Line> lines, long itemsCents, long shippingCents,
        long totalCents, String currency, String carrier, Address shippingAddress) {

    public static final String TYPE = "order.placed";
    public static final int SCHEMA_VERSION = 1;

    public record Line(long productId, String sku, String name, int quantity, long unitPriceCents) {
    }
}
