package shop.billing.order;

import java.util.List;

import shop.events.v1.OrderPlaced;

/** An order as the events other services consume describe it. */
final class OrderEvents {

    private OrderEvents() {
    }

    static OrderPlaced placed(Order order) {
        Address address = order.shippingAddress();
        return new OrderPlaced(order.id(), order.userId(), lines(order), order.itemsCents(), order.shippingCents(),
                order.totalCents(), order.currency(), order.carrier(), new shop.events.v1.Address(address.line1(),
                        address.line2(), address.city(), address.postalCode(), address.country().toUpperCase()));
    }

    static List<OrderPlaced.Line> lines(Order order) {
        return order.lines().stream()
                .map(line -> new OrderPlaced.Line(line.productId(), line.sku(), line.name(), line.quantity(),
                        line.unitPriceCents()))
                .toList();
    }
}
