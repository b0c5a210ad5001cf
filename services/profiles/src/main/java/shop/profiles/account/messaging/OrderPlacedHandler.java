package shop.profiles.account.messaging;

import java.time.Instant;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import shop.events.v1.OrderPlaced;
import shop.platform.events.EventSubscription;
import shop.profiles.account.Accounts;

/** Every placed order counts on its shopper's profile (queue profiles.order.placed). */
@Configuration(proxyBeanMethods = false)
class OrderPlacedHandler {

    @Bean
    EventSubscription<OrderPlaced> countOrders(Accounts accounts) {
        return new EventSubscription<>(OrderPlaced.TYPE, OrderPlaced.SCHEMA_VERSION, OrderPlaced.class,
                // The time billing placed the order, not when it reached us (an envelope may omit it).
                event -> accounts.recordOrder(event.payload().userId(),
                        event.occurredAt() != null ? event.occurredAt() : Instant.now()));
    }
}
