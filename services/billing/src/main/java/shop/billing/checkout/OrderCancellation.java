package shop.billing.checkout;

import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.web.server.ResponseStatusException;
import shop.billing.BillingProperties;
import shop.billing.checkout.grpc.PaymentClient;
import shop.billing.checkout.grpc.ShippingClient;
import shop.billing.order.Order;
import shop.billing.order.OrderStore;
import shop.billing.order.OrderStore.SagaState;
import shop.platform.problem.CalleeFailed;

/**
 * A shopper cancels a confirmed order before it is dispatched, as a stored saga: the order takes
 * the step CANCELLING under a lease; shipping stops the shipment (the one synchronous step, so
 * that dispatch and cancellation cannot both win); then the order becomes CANCELLED with
 * {@code order.cancelled} in the same commit (inventory puts the stock back); then the captured
 * payment is refunded, with a key derived from the order so a retry never refunds twice.
 * {@link SagaRecovery} finishes a cancellation whose request crashed or could not reach shipping,
 * and retries refunds that failed. Each step that must happen once is fenced by the lease epoch.
 */
@Service
class OrderCancellation {

    private static final Logger log = LoggerFactory.getLogger(OrderCancellation.class);

    /** Where one round of the saga got. */
    private enum Outcome { CANCELLED, DISPATCHED, SHIPPING_AWAY, TAKEN_OVER }

    private final OrderStore orders;
    private final ShippingClient shipping;
    private final PaymentClient payment;
    private final BillingProperties properties;

    OrderCancellation(OrderStore orders, ShippingClient shipping, PaymentClient payment,
            BillingProperties properties) {
        this.orders = orders;
        this.shipping = shipping;
        this.payment = payment;
        this.properties = properties;
    }

    /** @return the order, CANCELLED; repeating a cancellation answers the same */
    Order cancel(UUID userId, UUID orderId) {
        Order order = orders.order(userId, orderId).filter(found -> !"FAILED".equals(found.status()))
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "You have no order " + orderId + "."));
        if ("CANCELLED".equals(order.status())) {
            return order;
        }
        SagaState saga = orders.cancelling(userId, orderId, properties.sagaLease())
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.CONFLICT,
                        "Order " + orderId + " is still being placed; cancel it once it is confirmed."));
        switch (advance(saga)) {
            case DISPATCHED -> throw new ResponseStatusException(HttpStatus.CONFLICT,
                    "Order " + orderId + " was already dispatched and can no longer be cancelled.");
            case SHIPPING_AWAY -> throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE,
                    "The shipping service is not answering right now, so your order is not cancelled yet. We "
                            + "keep your request and cancel it as soon as shipping answers, unless the parcel has "
                            + "left by then; your order page shows the outcome.");
            case CANCELLED, TAKEN_OVER -> {
            }
        }
        return orders.order(userId, orderId).orElseThrow();
    }

    /** Finishes a cancellation that its request left unfinished (billing crashed, or shipping was away). */
    void resume(SagaState saga) {
        log.info("cancellation of order {} resumed: {}", saga.id(), advance(saga));
    }

    /** Refunds cancelled orders whose refund failed before. */
    void refundPending() {
        for (SagaState pending : orders.refundsPending(20)) {
            refund(pending.id(), pending.paymentId());
        }
    }

    private Outcome advance(SagaState saga) {
        UUID orderId = saga.id();
        try {
            shipping.cancelShipment(orderId);
        } catch (AlreadyDispatched e) {
            orders.cancelRefused(orderId, saga.epoch());
            return Outcome.DISPATCHED;
        } catch (CalleeFailed e) {
            // The lease runs out and the recovery job tries again.
            log.warn("cancel of order {}: shipping did not answer: {}", orderId, e.getMessage());
            return Outcome.SHIPPING_AWAY;
        }
        return orders.cancelled(orderId, saga.epoch())
                .map(paymentId -> {
                    refund(orderId, paymentId);
                    return Outcome.CANCELLED;
                })
                .orElse(Outcome.TAKEN_OVER);
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
