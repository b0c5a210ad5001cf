package shop.platform.events;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import shop.events.v1.EventEnvelope;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The listeners of a consuming service, one container per {@link EventSubscription}. For each
 * delivery: read the envelope (not JSON, or a schema version the handler does not read: straight
 * to the dead letters, with the reason); in one transaction insert the event id into the
 * service's {@code inbox} table and, only if it was new, apply the handler; ack after the commit.
 * A handler failure re-publishes the delivery to the retry queue, whose per-message TTL sends it
 * back after a doubling backoff. A failure is taken as passing (a database, broker or callee
 * away) and retried for {@code retryFor} from the first one, an hour by default; only then, or
 * at once for {@link EventRejected}, does the event go to the dead-letter queue, logged at ERROR
 * with its reason. The copy is confirmed by the broker before the original is acked, so a crash
 * loses nothing (at worst the event comes twice, and the inbox drops the second).
 */
public class EventConsumers implements SmartLifecycle {

    static final String ATTEMPTS = "x-shop-attempts";
    static final String FIRST_FAILED_AT = "x-shop-first-failed-at";
    static final String REASON = "x-shop-reason";
    static final String DEAD_AT = "x-shop-dead-at";

    private static final Logger log = LoggerFactory.getLogger(EventConsumers.class);

    private final String service;
    private final List<EventSubscription<?>> subscriptions;
    private final ConnectionFactory connections;
    private final RabbitTemplate confirmed;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    private final EventsProperties.Consumer settings;
    private final EventTrace trace;
    private final List<SimpleMessageListenerContainer> containers = new ArrayList<>();

    /** {@code confirmed} must use a connection factory with correlated publisher confirms. */
    public EventConsumers(String service, List<EventSubscription<?>> subscriptions, ConnectionFactory connections,
            RabbitTemplate confirmed, JdbcClient jdbc, TransactionTemplate transactions, JsonMapper json,
            EventsProperties.Consumer settings, EventTrace trace) {
        this.service = service;
        this.subscriptions = List.copyOf(subscriptions);
        this.connections = connections;
        this.confirmed = confirmed;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.json = json;
        this.settings = settings;
        this.trace = trace;
    }

    /** The queues and bindings of every subscription, declared by RabbitAdmin on each connection. */
    public static Declarables declarables(String service, TopicExchange exchange,
            List<EventSubscription<?>> subscriptions) {
        List<org.springframework.amqp.core.Declarable> declarables = new ArrayList<>();
        for (EventSubscription<?> subscription : subscriptions) {
            Queue queue = QueueBuilder.durable(subscription.queue(service)).build();
            Binding binding = BindingBuilder.bind(queue).to(exchange).with(subscription.type());
            // Expired retries go back to the main queue through the default exchange.
            Queue retry = QueueBuilder.durable(subscription.retryQueue(service))
                    .deadLetterExchange("").deadLetterRoutingKey(subscription.queue(service)).build();
            Queue dead = QueueBuilder.durable(subscription.deadLetterQueue(service)).build();
            declarables.addAll(List.of(queue, binding, retry, dead));
        }
        return new Declarables(declarables);
    }

    public List<EventSubscription<?>> subscriptions() {
        return subscriptions;
    }

    public String service() {
        return service;
    }

    private <T> ChannelAwareMessageListener listener(EventSubscription<T> subscription) {
        String consumer = subscription.queue(service);
        return (message, channel) -> {
            long tag = message.getMessageProperties().getDeliveryTag();
            try {
                trace.handle(message, consumer, () -> handle(subscription, consumer, message));
            } catch (RuntimeException e) {
                // Not even the retry or dead-letter copy could be made: leave it to the broker.
                log.warn("{}: could not handle or park event {}, redelivering: {}", consumer,
                        message.getMessageProperties().getMessageId(), e.getMessage());
                sleepQuietly(settings.retryBackoff());
                channel.basicNack(tag, false, true);
                return;
            }
            channel.basicAck(tag, false);
        };
    }

    private <T> void handle(EventSubscription<T> subscription, String consumer, Message message) {
        EventEnvelope<T> event;
        try {
            event = read(subscription, message);
        } catch (UnreadableEvent e) {
            park(subscription.deadLetterQueue(service), message, attempts(message), e.getMessage());
            log.error("{}: dead-lettered unreadable event {}: {}", consumer,
                    message.getMessageProperties().getMessageId(), e.getMessage());
            return;
        }
        try {
            transactions.executeWithoutResult(status -> {
                int first = jdbc.sql("insert into inbox (consumer, event_id) values (?, ?) on conflict do nothing")
                        .params(consumer, event.eventId())
                        .update();
                if (first == 1) {
                    subscription.handler().handle(event);
                }
            });
        } catch (RuntimeException failure) {
            int attempts = attempts(message) + 1;
            Instant firstFailedAt = firstFailedAt(message).orElseGet(Instant::now);
            String reason = failure.getClass().getSimpleName() + ": " + failure.getMessage();
            if (failure instanceof EventRejected
                    || !Instant.now().isBefore(firstFailedAt.plus(settings.retryFor()))) {
                park(subscription.deadLetterQueue(service), message, attempts, reason);
                log.error("{}: event {} dead-lettered after {} attempts since {}: {}", consumer, event.eventId(),
                        attempts, firstFailedAt, reason);
            } else {
                Duration wait = backoff(attempts);
                Message retry = copy(message, attempts, null);
                retry.getMessageProperties().getHeaders().put(FIRST_FAILED_AT, firstFailedAt.toString());
                retry.getMessageProperties().setExpiration(String.valueOf(wait.toMillis()));
                publishConfirmed(subscription.retryQueue(service), retry);
                log.info("{}: event {} failed (attempt {}), retrying in {}: {}", consumer, event.eventId(), attempts,
                        wait, reason);
            }
        }
    }

    private <T> EventEnvelope<T> read(EventSubscription<T> subscription, Message message) {
        JsonNode tree;
        try {
            tree = json.readTree(new String(message.getBody(), StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new UnreadableEvent("not a JSON event envelope: " + e.getMessage());
        }
        JsonNode version = tree.get("schemaVersion");
        if (version == null || !version.isIntegralNumber() || version.asInt() != subscription.schemaVersion()) {
            throw new UnreadableEvent("unknown schema version " + version + " of " + tree.path("type").asString("?")
                    + ": this consumer reads version " + subscription.schemaVersion());
        }
        List<String> violations = tree.hasNonNull("payload")
                ? EventSchemas.violations(subscription.type(), version.asInt(), tree.get("payload")) : List.of("no payload");
        if (!violations.isEmpty()) {
            throw new UnreadableEvent("the payload breaks the schema of " + subscription.type() + " version " + version.asInt()
                    + ": " + violations);
        }
        try {
            UUID eventId = UUID.fromString(tree.required("eventId").asString());
            T payload = json.treeToValue(tree.required("payload"), subscription.payloadType());
            return new EventEnvelope<>(eventId, tree.path("type").asString(subscription.type()), version.asInt(),
                    tree.hasNonNull("occurredAt") ? json.treeToValue(tree.get("occurredAt"), Instant.class) : null,
                    tree.path("aggregateId").asString(null), payload);
        } catch (RuntimeException e) {
            throw new UnreadableEvent("unreadable envelope or payload: " + e.getMessage());
        }
    }

    /** Puts a delivery into the dead-letter queue with why it landed there. */
    void park(String deadLetterQueue, Message message, int attempts, String reason) {
        publishConfirmed(deadLetterQueue, copy(message, attempts, reason));
    }

    /** Sends to a queue through the default exchange and waits for the broker's confirm. */
    void publishConfirmed(String queue, Message message) {
        CorrelationData correlation = new CorrelationData(UUID.randomUUID().toString());
        confirmed.send("", queue, message, correlation);
        try {
            CorrelationData.Confirm confirm = correlation.getFuture().get(10, TimeUnit.SECONDS);
            if (!confirm.ack()) {
                throw new IllegalStateException("the broker refused a message for " + queue + ": " + confirm.reason());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing to " + queue);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("no confirm for a message to " + queue + ": " + e);
        }
    }

    /** A copy with these attempts; attempts 0 starts afresh, as a replay does, forgetting the first failure. */
    static Message copy(Message message, int attempts, String reason) {
        Message copy = MessageBuilder.fromClonedMessage(message).build();
        Map<String, Object> headers = copy.getMessageProperties().getHeaders();
        headers.put(ATTEMPTS, attempts);
        if (attempts == 0) {
            headers.remove(FIRST_FAILED_AT);
        }
        if (reason != null) {
            headers.put(REASON, reason.length() > 1000 ? reason.substring(0, 1000) : reason);
            headers.put(DEAD_AT, Instant.now().toString());
        }
        copy.getMessageProperties().setExpiration(null);
        return copy;
    }

    static int attempts(Message message) {
        Object attempts = message.getMessageProperties().getHeaders().get(ATTEMPTS);
        return attempts instanceof Number number ? number.intValue() : 0;
    }

    private static Optional<Instant> firstFailedAt(Message message) {
        Object at = message.getMessageProperties().getHeaders().get(FIRST_FAILED_AT);
        try {
            return at == null ? Optional.empty() : Optional.of(Instant.parse(at.toString()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private Duration backoff(int attempts) {
        Duration wait = settings.retryBackoff().multipliedBy(1L << Math.min(attempts - 1, 20));
        return wait.compareTo(settings.maxRetryBackoff()) > 0 ? settings.maxRetryBackoff() : wait;
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A delivery no retry can fix: it goes to the dead letters at once. */
    private static final class UnreadableEvent extends RuntimeException {
        UnreadableEvent(String message) {
            super(message);
        }
    }

    @Override
    public synchronized void start() {
        for (EventSubscription<?> subscription : subscriptions) {
            SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connections);
            container.setQueueNames(subscription.queue(service));
            container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
            container.setPrefetchCount(settings.prefetch());
            // Starts while the broker is away and keeps trying; the queues are declared on connect.
            container.setMissingQueuesFatal(false);
            // A stopping consumer leaves when its wait for the next message ends: 1 s by default,
            // the longest part of a service's shutdown.
            container.setReceiveTimeout(200);
            container.setMessageListener(listener(subscription));
            container.afterPropertiesSet();
            container.start();
            containers.add(container);
        }
    }

    @Override
    public synchronized void stop() {
        containers.forEach(SimpleMessageListenerContainer::stop);
        containers.forEach(SimpleMessageListenerContainer::destroy);
        containers.clear();
    }

    @Override
    public synchronized boolean isRunning() {
        return !containers.isEmpty();
    }
}
