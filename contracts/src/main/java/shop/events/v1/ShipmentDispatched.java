package shop.events.v1;

import java.util.UUID;

/** shipping, when the parcel leaves: from then on its order can no longer be cancelled. */
public record ShipmentDispatched(UUID shipmentId, UUID orderId, UUID userId, String carrier, String trackingNumber) {

    public static final String TYPE = "shipment.dispatched";
    public static final int SCHEMA_VERSION = 1;
}
