package shop.platform.events;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import shop.events.v1.EventEnvelope;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where a producing service records an event: a row of its {@code outbox} table, written in the
 * transaction of the state change it reports, so the event exists exactly when the change does.
 * The {@link OutboxRelay} publishes it after the commit, with the trace of the change ({@link EventTrace}). The table is the service's own
 * migration (see billing's V2__outbox.sql for its shape).
 */
public class Outbox {

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final OutboxRelay relay;
    private final EventTrace trace;

    public Outbox(JdbcClient jdbc, JsonMapper json, OutboxRelay relay, EventTrace trace) {
        this.jdbc = jdbc;
        this.json = json;
        this.relay = relay;
        this.trace = trace;
    }

    /**
     * Adds an event to the current transaction.
     *
     * @return its event id
     * @throws IllegalStateException outside a transaction, where the event could outlive a rolled-back change,
     *         or when the payload breaks its type's schema ({@link EventSchemas})
     */
    public UUID add(String type, int schemaVersion, String aggregateId, Object payload) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("an event must be added in the transaction of its state change: " + type);
        }
        List<String> violations = EventSchemas.violations(type, schemaVersion, json.valueToTree(payload));
        if (!violations.isEmpty()) {
            throw new IllegalStateException("event " + type + " version " + schemaVersion + " breaks its schema: " + violations);
        }
        UUID eventId = UUID.randomUUID();
        String envelope = json.writeValueAsString(
                new EventEnvelope<>(eventId, type, schemaVersion, Instant.now(), aggregateId, payload));
        jdbc.sql("insert into outbox (event_id, type, aggregate_id, envelope, traceparent) values (?, ?, ?, ?, ?)")
                .params(eventId, type, aggregateId, envelope, trace.current())
                .update();
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                relay.wakeUp();
            }
        });
        return eventId;
    }
}
