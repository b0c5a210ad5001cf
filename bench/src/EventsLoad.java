import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import shop.events.v1.Address;
import shop.events.v1.EventEnvelope;
import shop.events.v1.OrderPlaced;
import shop.platform.events.EventConsumers;
import shop.platform.events.EventSubscription;
import shop.platform.events.EventTrace;
import shop.platform.events.EventsProperties;
import shop.platform.events.Outbox;
import shop.platform.events.OutboxRelay;
import shop.testing.TestDatabases;
import tools.jackson.databind.json.JsonMapper;

/**
 * order.placed through the shop's event path, against a plain publish as the anchor, on the real
 * PostgreSQL and RabbitMQ. One JVM holds producer and consumer, so commit and effect share a clock.
 *
 * <p>Outbox path: the platform's Outbox and OutboxRelay over the outbox table platform gives a
 * producing service (db/platform/outbox), one order per transaction, the relay woken by the commit as in billing; the
 * platform's EventConsumers with an inbox, whose handler inserts the order in the consumer's own
 * database. Latency runs from the producer's commit to the consumer's commit.
 * Anchor: RabbitTemplate publishes of the same envelope, persistent, each waiting for its confirm,
 * to a durable queue bound to the same exchange; latency from the publish call to the listener's
 * receipt (manual ack, same prefetch).
 *
 * <p>Each path runs paced (RATE events/s, open loop: latency without a backlog) and as a burst
 * (WRITERS threads as fast as they go: sustained events/s, first send to last effect; sent/s says
 * how fast the producers went, so a consumer that lags shows as the gap).
 *
 * Usage: java -cp <platform's test classpath> EventsLoad.java OUTBOX_SCRIPT INBOX_SCRIPT (platform's db/platform)
 * Environment: EVENTS (burst size, default 5000), PACED_EVENTS (2000), RATE (200), WRITERS (4).
 */
public class EventsLoad {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String CONSUMER_DDL = "create table placed_order (order_id uuid primary key, total_cents bigint not null)";

    /** One way of getting an order.placed from a producer to a consumer; returns the event id once sent. */
    interface Route {
        String send(OrderPlaced order);
    }

    /** {@code sentPerSecond}: how fast the producers committed or published; {@code eventsPerSecond}: effects. */
    record Result(String path, String phase, int events, double p50Ms, double p99Ms, double sentPerSecond,
            double eventsPerSecond) {
    }

    /** When each event was sent (committed or published), and when its consumer saw it (nanoTime). */
    final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    final Map<String, Long> effectAt = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        int burst = Integer.parseInt(System.getenv().getOrDefault("EVENTS", "5000"));
        int paced = Integer.parseInt(System.getenv().getOrDefault("PACED_EVENTS", "2000"));
        double rate = Double.parseDouble(System.getenv().getOrDefault("RATE", "200"));
        int writers = Integer.parseInt(System.getenv().getOrDefault("WRITERS", "4"));
        new EventsLoad().run(Files.readString(Path.of(args[0])), Files.readString(Path.of(args[1])), burst, paced, rate,
                writers);
        // Spring AMQP's idle deferred-close threads would keep the JVM alive a minute; the exit also
        // runs the hooks that drop the fresh databases.
        System.exit(0);
    }

    void run(String outboxScript, String inboxScript, int burst, int paced, double rate, int writers) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String service = "bench" + suffix;
        CachingConnectionFactory broker = new CachingConnectionFactory("127.0.0.1", 5672);
        broker.setUsername("guest");
        broker.setPassword("guest");
        broker.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        RabbitAdmin admin = new RabbitAdmin(broker);
        TopicExchange exchange = new TopicExchange("bench.events." + suffix, false, true);
        admin.declareExchange(exchange);
        RabbitTemplate confirmed = new RabbitTemplate(broker);
        confirmed.setUsePublisherConnection(true);

        HikariDataSource producerPool = pool(TestDatabases.create("benchevents_billing"), writers + 2);
        HikariDataSource consumerPool = pool(TestDatabases.create("benchevents_consumer"), 4);
        JdbcClient producer = JdbcClient.create(producerPool);
        JdbcClient consumer = JdbcClient.create(consumerPool);
        producer.sql(outboxScript).update();
        consumer.sql(inboxScript).update();
        consumer.sql(CONSUMER_DDL).update();
        TransactionTemplate producerTransactions = new TransactionTemplate(new DataSourceTransactionManager(producerPool));
        TransactionTemplate consumerTransactions = new TransactionTemplate(new DataSourceTransactionManager(consumerPool));

        OutboxRelay relay = new OutboxRelay(producer, producerTransactions, confirmed, exchange.getName(),
                new EventsProperties.Outbox(true, null, null, null, null, null, null));
        Outbox outbox = new Outbox(producer, JSON, relay, EventTrace.NONE);
        EventSubscription<OrderPlaced> subscription = new EventSubscription<>(OrderPlaced.TYPE,
                OrderPlaced.SCHEMA_VERSION, OrderPlaced.class, event -> {
                    consumer.sql("insert into placed_order (order_id, total_cents) values (?, ?)")
                            .params(event.payload().orderId(), event.payload().totalCents()).update();
                    String id = event.eventId().toString();
                    TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                        @Override
                        public void afterCommit() {
                            effectAt.put(id, System.nanoTime());
                        }
                    });
                });
        List<Declarable> declarables = new ArrayList<>(
                EventConsumers.declarables(service, exchange, List.of(subscription)).getDeclarables());
        Queue anchorQueue = QueueBuilder.durable("bench.anchor." + suffix).build();
        declarables.add(anchorQueue);
        declarables.add(BindingBuilder.bind(anchorQueue).to(exchange).with("anchor.placed"));
        declarables.forEach(declarable -> declare(admin, declarable));
        EventsProperties.Consumer consumerSettings = new EventsProperties.Consumer(null, null, null, null);
        EventConsumers consumers = new EventConsumers(service, List.of(subscription), broker, confirmed, consumer,
                consumerTransactions, JSON, consumerSettings, EventTrace.NONE);
        SimpleMessageListenerContainer anchorListener = anchorListener(broker, anchorQueue, consumerSettings.prefetch());

        Route outboxPath = order -> {
            String id = producerTransactions.execute(status -> outbox.add(OrderPlaced.TYPE, OrderPlaced.SCHEMA_VERSION,
                    order.orderId().toString(), order)).toString();
            sentAt.put(id, System.nanoTime());
            return id;
        };
        RabbitTemplate plain = new RabbitTemplate(broker);
        Route anchorPath = order -> {
            String id = UUID.randomUUID().toString();
            Message message = MessageBuilder.withBody(JSON.writeValueAsString(new EventEnvelope<>(UUID.fromString(id),
                    OrderPlaced.TYPE, OrderPlaced.SCHEMA_VERSION, Instant.now(), order.orderId().toString(), order))
                    .getBytes(StandardCharsets.UTF_8))
                    .setContentType("application/json").setMessageId(id)
                    .setDeliveryMode(MessageDeliveryMode.PERSISTENT).build();
            CorrelationData correlation = new CorrelationData(id);
            sentAt.put(id, System.nanoTime());
            plain.send(exchange.getName(), "anchor.placed", message, correlation);
            try {
                if (!correlation.getFuture().get(10, TimeUnit.SECONDS).ack()) {
                    throw new IllegalStateException("the broker refused " + id);
                }
            } catch (Exception e) {
                throw new IllegalStateException("no confirm for " + id + ": " + e, e);
            }
            return id;
        };

        relay.start();
        consumers.start();
        anchorListener.start();
        try {
            // Warm-up, not reported: class loading, JIT, pools and channels.
            burst("outbox", outboxPath, Math.min(500, burst), writers);
            burst("anchor", anchorPath, Math.min(500, burst), writers);
            List<Result> results = List.of(
                    paced("outbox + relay", outboxPath, paced, rate),
                    paced("plain publish", anchorPath, paced, rate),
                    burst("outbox + relay", outboxPath, burst, writers),
                    burst("plain publish", anchorPath, burst, writers));
            print(results, rate, writers);
            int applied = consumer.sql("select count(*) from placed_order").query(Integer.class).single();
            int expected = Math.min(500, burst) + paced + burst;
            System.out.printf("consumer applied %d orders for %d sent through the outbox%s%n", applied, expected,
                    applied == expected ? "" : "  <- MISMATCH");
        } finally {
            anchorListener.stop();
            consumers.stop();
            relay.stop();
            declarables.stream().filter(Queue.class::isInstance).map(Queue.class::cast)
                    .forEach(queue -> admin.deleteQueue(queue.getName()));
            admin.deleteExchange(exchange.getName());
            broker.destroy();
            producerPool.close();
            consumerPool.close();
        }
    }

    private SimpleMessageListenerContainer anchorListener(CachingConnectionFactory broker, Queue queue, int prefetch) {
        SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(broker);
        container.setQueueNames(queue.getName());
        container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
        container.setPrefetchCount(prefetch);
        container.setMessageListener((ChannelAwareMessageListener) (message, channel) -> {
            effectAt.put(message.getMessageProperties().getMessageId(), System.nanoTime());
            channel.basicAck(message.getMessageProperties().getDeliveryTag(), false);
        });
        container.afterPropertiesSet();
        return container;
    }

    /** Sends on a fixed schedule whatever the latency (open loop), then waits for every effect. */
    private Result paced(String name, Route path, int events, double rate) {
        List<String> ids = new ArrayList<>();
        long start = System.nanoTime();
        long interval = (long) (TimeUnit.SECONDS.toNanos(1) / rate);
        for (int i = 0; i < events; i++) {
            long due = start + i * interval;
            while (System.nanoTime() < due) {
                Thread.onSpinWait();
            }
            ids.add(path.send(order()));
        }
        return measure(name, "paced", ids, start);
    }

    /** {@code writers} threads send as fast as they go; then waits for every effect. */
    private Result burst(String name, Route path, int events, int writers) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(writers);
        List<Future<List<String>>> parts = new ArrayList<>();
        long start = System.nanoTime();
        for (int w = 0; w < writers; w++) {
            int share = events / writers + (w < events % writers ? 1 : 0);
            parts.add(threads.submit(() -> {
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < share; i++) {
                    ids.add(path.send(order()));
                }
                return ids;
            }));
        }
        List<String> ids = new ArrayList<>();
        for (Future<List<String>> part : parts) {
            ids.addAll(part.get());
        }
        threads.shutdown();
        return measure(name, "burst", ids, start);
    }

    private Result measure(String name, String phase, List<String> ids, long start) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!ids.stream().allMatch(effectAt::containsKey)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + ": " + ids.stream().filter(id -> !effectAt.containsKey(id)).count()
                        + " events had no effect within 2 minutes");
            }
            sleep(20);
        }
        List<Long> latencies = new ArrayList<>();
        long lastSent = start;
        long last = start;
        for (String id : ids) {
            long effect = effectAt.get(id);
            latencies.add(effect - sentAt.get(id));
            lastSent = Math.max(lastSent, sentAt.get(id));
            last = Math.max(last, effect);
        }
        Collections.sort(latencies);
        return new Result(name, phase, ids.size(), millis(percentile(latencies, 50)), millis(percentile(latencies, 99)),
                ids.size() / ((lastSent - start) / 1e9), ids.size() / ((last - start) / 1e9));
    }

    private static void print(List<Result> results, double rate, int writers) {
        System.out.printf("%-16s %-22s %7s %9s %9s %8s %10s%n", "path", "phase", "events", "p50_ms", "p99_ms", "sent/s",
                "events/s");
        for (Result r : results) {
            String phase = r.phase().equals("paced") ? "paced " + fmt(rate) + "/s" : "burst, " + writers + " writers";
            System.out.printf("%-16s %-22s %7d %9.2f %9.2f %8.0f %10.0f%n", r.path(), phase, r.events(), r.p50Ms(),
                    r.p99Ms(), r.sentPerSecond(), r.eventsPerSecond());
        }
        Result outboxPaced = results.get(0);
        Result plainPaced = results.get(1);
        Result outboxBurst = results.get(2);
        Result plainBurst = results.get(3);
        System.out.printf("%nratio outbox/plain: p50 latency %.1fx, p99 latency %.1fx (paced); events/s %.2f (burst)%n",
                outboxPaced.p50Ms() / plainPaced.p50Ms(), outboxPaced.p99Ms() / plainPaced.p99Ms(),
                outboxBurst.eventsPerSecond() / plainBurst.eventsPerSecond());
    }

    private static OrderPlaced order() {
        UUID orderId = UUID.randomUUID();
        return new OrderPlaced(orderId, UUID.randomUUID(), List.of(new OrderPlaced.Line(7, "KIT-007", "Tea Kettle", 2,
                1250)), 2500, 499, 2999, "USD", "Fig Post", new Address("1 Main St", null, "Springfield", "12345", "US"));
    }

    private static void declare(RabbitAdmin admin, Declarable declarable) {
        if (declarable instanceof Queue queue) {
            admin.declareQueue(queue);
        } else if (declarable instanceof Binding binding) {
            admin.declareBinding(binding);
        }
    }

    private static HikariDataSource pool(TestDatabases.TestDatabase database, int size) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(database.jdbcUrl());
        pool.setUsername(database.username());
        pool.setPassword(database.password());
        pool.setMaximumPoolSize(size);
        return pool;
    }

    private static long percentile(List<Long> sorted, int percent) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1));
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    private static String fmt(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
