package shop.events.v1;

import java.util.List;
import java.util.UUID;

/** billing, when the shopper cancels an order that was not dispatched yet: its stock goes back. */
public record OrderCancelled(UUID orderId, UUID userId, List<OrderPlaced.Line> lines) {

    public static final String TYPE = "order.cancelled";
    public static final int SCHEMA_VERSION = 1;
}
