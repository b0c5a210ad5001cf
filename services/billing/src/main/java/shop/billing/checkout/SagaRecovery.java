package shop.billing.checkout;

import java.util.Optional;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import shop.billing.BillingProperties;
import shop.billing.order.OrderStore;
import shop.billing.order.OrderStore.SagaState;

/**
 * Finishes or undoes checkouts that their request left unfinished: billing crashed mid-saga,
 * or a service was down when the order needed its last steps; finishes cancellations left
 * unfinished the same way; and refunds cancelled orders whose refund failed. Runs at start-up and then every
 * few seconds, in every replica; each claims orders under a lease, so none is worked on twice.
 */
@Component
class SagaRecovery {

    /** Bounds one round, so a backlog does not hold the scheduler thread for long. */
    private static final int PER_ROUND = 50;

    private final OrderStore orders;
    private final CheckoutSaga saga;
    private final OrderCancellation cancellation;
    private final BillingProperties properties;

    SagaRecovery(OrderStore orders, CheckoutSaga saga, OrderCancellation cancellation, BillingProperties properties) {
        this.orders = orders;
        this.saga = saga;
        this.cancellation = cancellation;
        this.properties = properties;
    }

    @Scheduled(fixedDelayString = "${shop.billing.recovery-interval:5s}")
    void recover() {
        cancellation.refundPending();
        for (int i = 0; i < PER_ROUND; i++) {
            Optional<SagaState> abandoned = orders.claimAbandoned(properties.sagaLease());
            if (abandoned.isEmpty()) {
                return;
            }
            if (abandoned.get().step() == OrderStore.Step.CANCELLING) {
                cancellation.resume(abandoned.get());
            } else {
                saga.resume(abandoned.get());
            }
        }
    }
}
