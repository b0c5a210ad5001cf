package shop.recommendations.product.messaging;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import shop.events.v1.OrderPlaced;
import shop.platform.events.EventSubscription;
import shop.recommendations.product.Purchases;

/** Every placed order teaches what is bought together (queue recommendations.order.placed). */
@Configuration(proxyBeanMethods = false)
class OrderPlacedHandler {

    @Bean
    EventSubscription<OrderPlaced> learnFromOrders(Purchases purchases) {
        return new EventSubscription<>(OrderPlaced.TYPE, OrderPlaced.SCHEMA_VERSION, OrderPlaced.class,
                event -> purchases.record(event.payload()));
    }
}
