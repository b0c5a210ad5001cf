package shop.billing;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import shop.billing.order.Address;
import shop.billing.order.OrderLine;
import shop.billing.order.OrderStore;

/** Orders stored as a checkout leaves them just after authorising the payment, for billing's own tests. */
final class PlacedOrders {

    /** Each order bought its own version of its shopper's cart. */
    private static final AtomicLong CART_VERSIONS = new AtomicLong();

    private PlacedOrders() {
    }

    /** Two tea kettles at 12.50 USD, 4.99 shipping. */
    static UUID placed(OrderStore orders, UUID owner, Address shippingAddress) {
        UUID id = UUID.randomUUID();
        orders.start(id, owner, UUID.randomUUID().toString(), "digest", CART_VERSIONS.incrementAndGet(),
                shippingAddress, Duration.ofMinutes(1));
        orders.priced(id, List.of(new OrderLine(7, "KIT-007", "Tea Kettle", 2, 1250, 900)), 2500, "USD");
        orders.place(id, OrderStore.FIRST_EPOCH, 499, "Parcel Post", UUID.randomUUID(), "visa", "4242", Duration.ofMinutes(1));
        return id;
    }
}
