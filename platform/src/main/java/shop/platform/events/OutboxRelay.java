package shop.platform.events;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes the rows of the {@code outbox} table to the exchange, then marks them sent.
 *
 * <p>One round, in one transaction: lock up to a batch of unsent rows with
 * {@code FOR UPDATE SKIP LOCKED} (another replica's relay skips them, so no row goes out twice
 * from two relays), publish them, wait for the broker's confirms, and mark sent only the rows it
 * confirmed. A row is taken only while no older row of its aggregate is unsent, so the events of
 * one order reach the exchange in the order they were written, even across replicas. A round that
 * fails (broker away, nack, no confirm in time) leaves its rows unsent, records why, and the relay
 * pauses with a doubling backoff before the next. A crash between confirm and commit publishes a
 * row again: delivery is at least once, and consumers drop what they have seen ({@link EventConsumers}).
 */
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    /** The head of each aggregate's unsent rows, oldest first; rows another relay holds are skipped. */
    private static final String NEXT_ROWS = """
            select o.id, o.event_id, o.type, o.envelope, o.traceparent from outbox o
            where o.sent_at is null
              and not exists (select 1 from outbox older
                              where older.aggregate_id = o.aggregate_id and older.sent_at is null and older.id < o.id)
            order by o.id limit ? for update skip locked""";

    private record Row(long id, String eventId, String type, String envelope, String traceparent) {
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final RabbitTemplate rabbit;
    private final String exchange;
    private final EventsProperties.Outbox settings;
    private final Object signal = new Object();
    private boolean wokenUp;
    private volatile Thread worker;
    private Duration backoff = Duration.ZERO;
    private Instant nextCleanup = Instant.now();

    /** {@code rabbit} must use a connection factory with correlated publisher confirms. */
    public OutboxRelay(JdbcClient jdbc, TransactionTemplate transactions, RabbitTemplate rabbit, String exchange,
            EventsProperties.Outbox settings) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.rabbit = rabbit;
        this.exchange = exchange;
        this.settings = settings;
    }

    /** Something was committed to the outbox: look now instead of at the next poll. */
    public void wakeUp() {
        synchronized (signal) {
            wokenUp = true;
            signal.notifyAll();
        }
    }

    /**
     * Publishes one batch.
     *
     * @return rows published and marked sent
     * @throws OutboxRelayException when the round failed; its rows stay unsent
     */
    public int relayOnce() {
        Integer sent = transactions.execute(status -> {
            List<Row> rows = jdbc.sql(NEXT_ROWS).param(settings.batchSize())
                    .query((row, n) -> new Row(row.getLong("id"), row.getString("event_id"), row.getString("type"),
                            row.getString("envelope"), row.getString("traceparent")))
                    .list();
            if (rows.isEmpty()) {
                return 0;
            }
            try {
                publishConfirmed(rows);
            } catch (RuntimeException e) {
                // Recorded in a transaction of its own: this one's locks are given up with the failure.
                throw new OutboxRelayException(rows.stream().map(Row::id).toList(), e);
            }
            jdbc.sql("update outbox set sent_at = now() where id in (:ids)")
                    .param("ids", rows.stream().map(Row::id).toList())
                    .update();
            return rows.size();
        });
        return sent == null ? 0 : sent;
    }

    private void publishConfirmed(List<Row> rows) {
        Map<Row, CorrelationData> confirms = new LinkedHashMap<>();
        for (Row row : rows) {
            CorrelationData correlation = new CorrelationData(row.eventId());
            rabbit.send(exchange, row.type(), message(row), correlation);
            confirms.put(row, correlation);
        }
        long deadline = System.nanoTime() + settings.confirmTimeout().toNanos();
        for (Map.Entry<Row, CorrelationData> confirm : confirms.entrySet()) {
            CorrelationData.Confirm answer;
            try {
                answer = confirm.getValue().getFuture().get(Math.max(0, deadline - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new IllegalStateException("no confirm from the broker within " + settings.confirmTimeout());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for confirms");
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("confirm failed: " + e.getCause().getMessage());
            }
            if (!answer.ack()) {
                throw new IllegalStateException("the broker refused event " + confirm.getKey().eventId() + ": "
                        + answer.reason());
            }
        }
    }

    private static Message message(Row row) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        properties.setContentEncoding(StandardCharsets.UTF_8.name());
        properties.setMessageId(row.eventId());
        properties.setType(row.type());
        properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        if (row.traceparent() != null) {
            properties.setHeader(EventTrace.HEADER, row.traceparent());
        }
        return MessageBuilder.withBody(row.envelope().getBytes(StandardCharsets.UTF_8))
                .andProperties(properties).build();
    }

    /** A round failed: its rows stay unsent, with the number of tries and the reason kept for operators. */
    private void recordFailure(OutboxRelayException failure) {
        transactions.executeWithoutResult(status -> jdbc.sql(
                "update outbox set attempts = attempts + 1, last_error = :error where id in (:ids) and sent_at is null")
                .param("error", String.valueOf(failure.getCause().getMessage()))
                .param("ids", failure.rowIds())
                .update());
    }

    private void run() {
        while (worker == Thread.currentThread()) {
            int sent;
            try {
                sent = relayOnce();
                backoff = Duration.ZERO;
                cleanUpNowAndThen();
            } catch (OutboxRelayException e) {
                backoff = backoff.isZero() ? settings.minBackoff() : min(backoff.multipliedBy(2), settings.maxBackoff());
                log.warn("outbox relay could not publish {} events, next try in {}: {}", e.rowIds().size(), backoff,
                        e.getCause().getMessage());
                try {
                    recordFailure(e);
                } catch (RuntimeException database) {
                    log.warn("outbox relay could not record the failure: {}", database.getMessage());
                }
                pause(backoff, false);
                continue;
            } catch (RuntimeException e) {
                backoff = backoff.isZero() ? settings.minBackoff() : min(backoff.multipliedBy(2), settings.maxBackoff());
                log.warn("outbox relay could not read the outbox, next try in {}: {}", backoff, e.getMessage());
                pause(backoff, false);
                continue;
            }
            if (sent < settings.batchSize()) {
                pause(settings.pollInterval(), true);
            }
        }
    }

    /** Sent rows are history: kept a while for operators, then deleted so the table stays small. */
    private void cleanUpNowAndThen() {
        if (Instant.now().isAfter(nextCleanup)) {
            nextCleanup = Instant.now().plus(Duration.ofMinutes(10));
            transactions.executeWithoutResult(status -> jdbc.sql(
                    "delete from outbox where sent_at < now() - :retention * interval '1 millisecond'")
                    .param("retention", settings.retention().toMillis())
                    .update());
        }
    }

    private void pause(Duration duration, boolean wakeable) {
        synchronized (signal) {
            if (wakeable && wokenUp) {
                wokenUp = false;
                return;
            }
            try {
                signal.wait(Math.max(1, duration.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                worker = null;
            }
            if (wakeable) {
                wokenUp = false;
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public void start() {
        Thread thread = new Thread(this::run, "outbox-relay");
        thread.setDaemon(true);
        worker = thread;
        thread.start();
    }

    @Override
    public void stop() {
        Thread thread = worker;
        worker = null;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(settings.confirmTimeout().toMillis() + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return worker != null;
    }

    /** Rows that one round could not publish, and why. */
    static final class OutboxRelayException extends RuntimeException {

        private final List<Long> rowIds;

        OutboxRelayException(List<Long> rowIds, RuntimeException cause) {
            super("outbox relay round failed for " + rowIds.size() + " events", cause);
            this.rowIds = new ArrayList<>(rowIds);
        }

        List<Long> rowIds() {
            return rowIds;
        }
    }
}
