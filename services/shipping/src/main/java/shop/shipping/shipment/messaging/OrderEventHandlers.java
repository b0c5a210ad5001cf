package shop.shipping.shipment.messaging;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import shop.events.v1.OrderCancelled;
import shop.events.v1.OrderPlaced;
import shop.platform.events.EventSubscription;
import shop.shipping.shipment.Shipments;

/** A placed order gets a shipment; a cancelled one stops it (queues shipping.order.placed, shipping.order.cancelled). */
@Configuration(proxyBeanMethods = false)
class OrderEventHandlers {

    @Bean
    EventSubscription<OrderPlaced> shipPlacedOrders(Shipments shipments) {
        return new EventSubscription<>(OrderPlaced.TYPE, OrderPlaced.SCHEMA_VERSION, OrderPlaced.class,
                event -> shipments.create(event.payload()));
    }

    @Bean
    EventSubscription<OrderCancelled> stopCancelledOrders(Shipments shipments) {
        return new EventSubscription<>(OrderCancelled.TYPE, OrderCancelled.SCHEMA_VERSION, OrderCancelled.class,
                event -> shipments.cancel(event.payload()));
    }
}
