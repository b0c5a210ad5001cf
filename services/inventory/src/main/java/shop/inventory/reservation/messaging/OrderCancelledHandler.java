package shop.inventory.reservation.messaging;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import shop.events.v1.OrderCancelled;
import shop.inventory.reservation.Reservations;
import shop.platform.events.EventSubscription;

/** A cancelled order's stock goes back on sale (queue inventory.order.cancelled). */
@Configuration(proxyBeanMethods = false)
class OrderCancelledHandler {

    @Bean
    EventSubscription<OrderCancelled> returnCancelledStock(Reservations reservations) {
        return new EventSubscription<>(OrderCancelled.TYPE, OrderCancelled.SCHEMA_VERSION,
                OrderCancelled.class, event -> reservations.returnCancelled(event.payload().orderId().toString()));
    }
}
