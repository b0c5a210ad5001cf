package shop.platform.events;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How a service publishes and consumes events ({@code shop.events.*}).
 *
 * @param exchange the durable topic exchange every event goes through
 * @param outbox the relay from a producing service's {@code outbox} table to the exchange
 * @param consumer retries and dead letters of a consuming service
 * @param tablesCreatedByMigrations the versions of this service's own Flyway migrations that created
 *        its outbox or inbox table before platform did; see {@link EventTablesAutoConfiguration}
 */
@ConfigurationProperties("shop.events")
public record EventsProperties(String exchange, Outbox outbox, Consumer consumer,
        List<String> tablesCreatedByMigrations) {

    public EventsProperties {
        exchange = exchange == null ? "shop.events" : exchange;
        outbox = outbox == null ? new Outbox(false, null, null, null, null, null, null) : outbox;
        consumer = consumer == null ? new Consumer(null, null, null, null) : consumer;
        tablesCreatedByMigrations = tablesCreatedByMigrations == null ? List.of() : List.copyOf(tablesCreatedByMigrations);
    }

    /**
     * @param enabled whether this service has an {@code outbox} table whose rows a relay publishes
     * @param pollInterval how often the relay looks for rows that no commit woke it for
     * @param batchSize rows one relay round locks and publishes at most
     * @param confirmTimeout how long the relay waits for the broker to confirm a round
     * @param minBackoff the first pause after a round failed (broker away); doubled each failed round
     * @param maxBackoff the longest such pause
     * @param retention how long sent rows are kept for inspection before they are deleted
     */
    public record Outbox(boolean enabled, Duration pollInterval, Integer batchSize, Duration confirmTimeout,
            Duration minBackoff, Duration maxBackoff, Duration retention) {

        public Outbox {
            pollInterval = pollInterval == null ? Duration.ofSeconds(1) : pollInterval;
            batchSize = batchSize == null ? 100 : batchSize;
            confirmTimeout = confirmTimeout == null ? Duration.ofSeconds(10) : confirmTimeout;
            minBackoff = minBackoff == null ? Duration.ofMillis(500) : minBackoff;
            maxBackoff = maxBackoff == null ? Duration.ofSeconds(30) : maxBackoff;
            retention = retention == null ? Duration.ofDays(7) : retention;
        }
    }

    /**
     * @param retryFor how long a failing event is retried, from its first failure, before it goes
     *                 to the dead-letter queue: long enough to ride out a database, broker or
     *                 callee that is away (an hour by default)
     * @param retryBackoff the wait before the second attempt; doubled for each further one
     * @param maxRetryBackoff the longest wait between two attempts
     * @param prefetch unacknowledged deliveries a consumer holds at once
     */
    public record Consumer(Duration retryFor, Duration retryBackoff, Duration maxRetryBackoff, Integer prefetch) {

        public Consumer {
            retryFor = retryFor == null ? Duration.ofHours(1) : retryFor;
            retryBackoff = retryBackoff == null ? Duration.ofSeconds(1) : retryBackoff;
            maxRetryBackoff = maxRetryBackoff == null ? Duration.ofMinutes(1) : maxRetryBackoff;
            prefetch = prefetch == null ? 10 : prefetch;
        }
    }
}
