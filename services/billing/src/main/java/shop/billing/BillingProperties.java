package shop.billing;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param sagaLease how long one checkout may run before the recovery job treats it as abandoned
 *                  (billing crashed mid-saga) and finishes or undoes it
 * @param recoveryInterval how often the recovery job looks for abandoned checkouts
 * @param duplicateWait how long a request waits for a concurrent one with the same idempotency key, or
 *                      for another checkout of the same cart
 */
@ConfigurationProperties("shop.billing")
public record BillingProperties(Duration sagaLease, Duration recoveryInterval, Duration duplicateWait) {

    public BillingProperties {
        sagaLease = sagaLease == null ? Duration.ofSeconds(60) : sagaLease;
        recoveryInterval = recoveryInterval == null ? Duration.ofSeconds(5) : recoveryInterval;
        duplicateWait = duplicateWait == null ? Duration.ofSeconds(15) : duplicateWait;
    }
}
