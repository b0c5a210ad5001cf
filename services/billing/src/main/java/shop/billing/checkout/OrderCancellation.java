package shop.billing.checkout;

import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.web.server.ResponseStatusException;
import shop.billing.order.Order;
import shop.billing.order.OrderStore;
import shop.billing.checkout.grpc.PaymentClient;
import shop.billing.checkout.grpc.ShippingClient;
import shop.billing.order.OrderStore.SagaState;
import shop.platform.problem.CalleeFailed;

/**
 * A shopper cancels a confirmed order before it is dispatched: shipping stops the shipment (the
 * one synchronous step, so that dispatch and cancellation cannot both win), then the order becomes
 * CANCELLED with {@code order.cancelled} in the same commit (inventory puts the stock back), then
 * the captured payment is refunded, with a key derived from the order so a retry never refunds
 * twice. A refund that fails (payment down) is retried by {@link SagaRecovery}.
 */
@Service
class OrderCancellation {

    private static final Logger log = LoggerFactory.getLogger(OrderCancellation.class);

    private final OrderStore orders;
    private final ShippingClient shipping;
    private final PaymentClient payment;

    OrderCancellation(OrderStore orders, ShippingClient shipping, PaymentClient payment) {
        this.orders = orders;
        this.shipping = shipping;
        this.payment = payment;
    }

    /** @return the order, CANCELLED; repeating a cancellation answers the same */
    Order cancel(UUID userId, UUID orderId) {
        Order order = orders.order(userId, orderId).filter(found -> !"FAILED".equals(found.status()))
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "You have no order " + orderId + "."));
        if ("CANCELLED".equals(order.status())) {
            return order;
        }
        if (!"CONFIRMED".equals(order.status())) {
            throw new ResponseStatusException(HttpStatus.CONFLICT,
                    "Order " + orderId + " is still being placed; cancel it once it is confirmed.");
        }
        try {
            shipping.cancelShipment(orderId);
        } catch (AlreadyDispatched e) {
            throw new ResponseStatusException(HttpStatus.CONFLICT,
                    "Order " + orderId + " was already dispatched and can no longer be cancelled.");
        } catch (CalleeFailed e) {
            log.warn("cancel of order {}: shipping did not answer: {}", orderId, e.getMessage());
            throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE,
                    "The shipping service is not answering right now; your order is unchanged. Please try again.");
        }
        orders.cancelled(userId, orderId).ifPresent(paymentId -> refund(orderId, paymentId));
        return orders.order(userId, orderId).orElseThrow();
    }

    /** Refunds cancelled orders whose refund failed before. */
    void refundPending() {
        for (SagaState pending : orders.refundsPending(20)) {
            refund(pending.id(), pending.paymentId());
        }
    }

    private void refund(UUID orderId, UUID paymentId) {
        try {
            payment.refund(orderId + ":refund", paymentId);
            orders.refunded(orderId);
        } catch (CalleeFailed e) {
            log.warn("order {} is cancelled; refunding it later: {}", orderId, e.getMessage());
        }
    }
}
