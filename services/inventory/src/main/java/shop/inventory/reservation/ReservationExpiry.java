package shop.inventory.reservation;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Puts back the stock of holds whose checkout never committed: a crashed or abandoned saga. */
@Component
class ReservationExpiry {

    private static final Logger log = LoggerFactory.getLogger(ReservationExpiry.class);
    private static final int BATCH = 100;

    private final Reservations reservations;

    ReservationExpiry(Reservations reservations) {
        this.reservations = reservations;
    }

    @Scheduled(fixedDelayString = "${shop.inventory.expiry-sweep-interval}")
    void releaseExpired() {
        int released;
        do {
            released = reservations.releaseExpired(BATCH);
            if (released > 0) {
                log.info("Released {} expired reservations", released);
            }
        } while (released == BATCH);
    }
}
