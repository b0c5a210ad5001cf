package shop.events.v1;

import java.util.UUID;

/** shipping, when the parcel has arrived. */
public record ShipmentDelivered(UUID shipmentId, UUID orderId, UUID userId, String trackingNumber) {

    public static final String TYPE = "shipment.delivered";
    public static final int SCHEMA_VERSION = 1;
}
