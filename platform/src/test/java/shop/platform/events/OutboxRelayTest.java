package shop.platform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.transaction.support.TransactionTemplate;
import shop.testing.TcpProxy;
import shop.testing.TestBrokers;
import shop.testing.TestDatabases;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The relay against the real PostgreSQL and RabbitMQ: it publishes with confirms in order per
 * aggregate, keeps rows while the broker is cut away and catches up after, and two replicas' relays
 * on one outbox publish every event exactly once.
 */
class OutboxRelayTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final TestBrokers.Broker RABBIT = TestBrokers.broker();

    final String exchange = "test.events." + UUID.randomUUID();
    final List<CachingConnectionFactory> factories = new ArrayList<>();
    final List<HikariDataSource> pools = new ArrayList<>();
    TestDatabases.TestDatabase database;
    JdbcClient jdbc;
    TransactionTemplate transactions;
    Outbox outbox;
    RabbitAdmin admin;
    RabbitTemplate reader;
    Queue seen;

    @BeforeEach
    void setUp() {
        database = TestDatabases.create("outboxrelay");
        SimpleDriverDataSource dataSource = new SimpleDriverDataSource(new org.postgresql.Driver(), database.jdbcUrl(),
                database.username(), database.password());
        jdbc = JdbcClient.create(dataSource);
        transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        // The outbox as a producing service gets it from platform.
        new ResourceDatabasePopulator(new ClassPathResource("db/platform/outbox/R__platform_outbox.sql")).execute(dataSource);

        CachingConnectionFactory direct = factory(RABBIT.port());
        admin = new RabbitAdmin(direct);
        TopicExchange topic = new TopicExchange(exchange, false, true);
        admin.declareExchange(topic);
        // A plain queue: Debian's RabbitMQ 3.10 refuses AnonymousQueue's leader-locator argument.
        seen = new Queue("test.seen." + UUID.randomUUID(), false, false, false);
        admin.declareQueue(seen);
        admin.declareBinding(BindingBuilder.bind(seen).to(topic).with("#"));
        reader = new RabbitTemplate(direct);
        outbox = new Outbox(jdbc, JSON, relay(direct), EventTrace.NONE);
    }

    @AfterEach
    void tearDown() {
        admin.deleteQueue(seen.getName());
        admin.deleteExchange(exchange);
        factories.forEach(CachingConnectionFactory::destroy);
        pools.forEach(HikariDataSource::close);
    }

    @Test
    void rowsWaitWhileTheBrokerIsAwayAndAllGoOutOnceInOrderAfter() {
        try (TcpProxy broker = new TcpProxy(RABBIT.host(), RABBIT.port())) {
            OutboxRelay relay = relay(factory(broker.port()));
            write(3, 4);
            assertThat(relay.relayOnce()).isEqualTo(3);

            broker.cut();
            write(3, 4);
            assertThatThrownBy(relay::relayOnce).isInstanceOf(OutboxRelay.OutboxRelayException.class);
            assertThatThrownBy(relay::relayOnce).isInstanceOf(OutboxRelay.OutboxRelayException.class);
            assertThat(unsent()).isEqualTo(21);

            broker.restore();
            drain(relay);
            assertThat(unsent()).isZero();
        }
        Map<String, List<Integer>> received = sequences(receiveAll(24));
        assertThat(received).hasSize(6);
        received.values().forEach(sequence -> assertThat(sequence).containsExactly(0, 1, 2, 3));
    }

    @Test
    void aRelayThatStartsWithTheBrokerAwayCatchesUpInTheBackground() throws Exception {
        try (TcpProxy broker = new TcpProxy(RABBIT.host(), RABBIT.port())) {
            broker.cut();
            OutboxRelay relay = new OutboxRelay(jdbc, transactions, new RabbitTemplate(factory(broker.port())),
                    exchange, new EventsProperties.Outbox(true, Duration.ofMillis(100), 50, Duration.ofSeconds(5),
                            Duration.ofMillis(100), Duration.ofMillis(400), null));
            relay.start();
            try {
                write(5, 2);
                Thread.sleep(1500);
                assertThat(unsent()).isEqualTo(10);
                assertThat(jdbc.sql("select max(attempts) from outbox").query(Integer.class).single()).isPositive();
                broker.restore();
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (unsent() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(unsent()).isZero();
            } finally {
                relay.stop();
            }
        }
        assertThat(sequences(receiveAll(10)).values()).allSatisfy(sequence -> assertThat(sequence).containsExactly(0, 1));
    }

    /**
     * Two replicas of a producing service (billing), each with its own database pool and broker
     * connection, relay one outbox while orders are still being written. Every event must reach the
     * queue exactly once, counted by event id, and each aggregate's events in the order written.
     * Without the relay's row locks both replicas take the same rows, and this test sees them twice.
     */
    @Test
    void twoReplicasPublishEveryEventExactlyOnceInOrderPerAggregate() throws Exception {
        OutboxRelay first = replica();
        OutboxRelay second = replica();
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService threads = Executors.newFixedThreadPool(3);
        List<UUID> written;
        try {
            Future<List<UUID>> writer = threads.submit(() -> {
                try {
                    return write(40, 10);
                } finally {
                    writing.set(false);
                }
            });
            Future<Integer> a = threads.submit(() -> drain(first, writing::get));
            Future<Integer> b = threads.submit(() -> drain(second, writing::get));
            written = writer.get();
            assertThat(a.get() + b.get()).as("rows marked sent").isEqualTo(400);
            assertThat(a.get()).as("both replicas took part").isPositive();
            assertThat(b.get()).as("both replicas took part").isPositive();
        } finally {
            threads.shutdownNow();
        }
        List<JsonNode> received = receiveAll(400);
        assertThat(reader.receive(seen.getName(), 500)).as("nothing after the 400th event").isNull();
        Map<String, Long> timesById = received.stream().collect(Collectors.groupingBy(
                envelope -> envelope.get("eventId").asString(), Collectors.counting()));
        assertThat(timesById).as("each event id once").hasSize(400).allSatisfy((id, times) -> assertThat(times).isOne());
        assertThat(timesById.keySet()).containsExactlyInAnyOrderElementsOf(written.stream().map(UUID::toString).toList());
        Map<String, List<Integer>> sequences = sequences(received);
        assertThat(sequences).hasSize(40);
        sequences.values().forEach(sequence -> assertThat(sequence).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
    }

    @Test
    void anEventOutsideATransactionIsRefused() {
        assertThatThrownBy(() -> outbox.add("test.happened", 1, "a", Map.of("sequence", 0)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("transaction");
    }

    @Test
    void anEventThatBreaksItsSchemaIsRefusedWithItsChange() {
        assertThatThrownBy(() -> transactions.executeWithoutResult(status -> {
            jdbc.sql("insert into outbox (event_id, type, aggregate_id, envelope) values (?, 'state.change', 'b', '{}')")
                    .param(UUID.randomUUID()).update();
            outbox.add("test.happened", 1, "b", Map.of("sequence", "first"));
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("breaks its schema").hasMessageContaining("sequence");
        assertThat(jdbc.sql("select count(*) from outbox where aggregate_id = 'b'").query(Integer.class).single())
                .as("the state change it reported was rolled back with it").isZero();
        assertThatThrownBy(() -> transactions.executeWithoutResult(status -> outbox.add("nothing.known", 1, "c", Map.of())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no schema for event nothing.known version 1");
    }

    /**
     * Writes {@code perAggregate} events, numbered from 0, for each of {@code aggregates} new
     * aggregates, one transaction per number; returns their event ids.
     */
    private List<UUID> write(int aggregates, int perAggregate) {
        List<String> ids = new ArrayList<>();
        for (int a = 0; a < aggregates; a++) {
            ids.add(UUID.randomUUID().toString());
        }
        List<UUID> eventIds = new ArrayList<>();
        for (int n = 0; n < perAggregate; n++) {
            int sequence = n;
            transactions.executeWithoutResult(status -> ids.forEach(
                    id -> eventIds.add(outbox.add("test.happened", 1, id, Map.of("sequence", sequence)))));
        }
        return eventIds;
    }

    /** Rounds until the outbox is empty (another relay may be taking part); returns how many it published. */
    private int drain(OutboxRelay relay) {
        return drain(relay, () -> false);
    }

    /** Rounds until nothing is being written any more and the outbox is empty. */
    private int drain(OutboxRelay relay, BooleanSupplier stillWriting) {
        int total = 0;
        boolean more;
        do {
            more = stillWriting.getAsBoolean();
            total += relay.relayOnce();
        } while (more || unsent() > 0);
        return total;
    }

    private int unsent() {
        return jdbc.sql("select count(*) from outbox where sent_at is null").query(Integer.class).single();
    }

    /** The next {@code expected} envelopes on the test's queue, in arrival order. */
    private List<JsonNode> receiveAll(int expected) {
        List<JsonNode> envelopes = new ArrayList<>();
        for (int i = 0; i < expected; i++) {
            Message message = reader.receive(seen.getName(), 5000);
            assertThat(message).as("message %d of %d", i + 1, expected).isNotNull();
            assertThat(message.getMessageProperties().getMessageId()).isNotBlank();
            JsonNode envelope = JSON.readTree(new String(message.getBody(), StandardCharsets.UTF_8));
            assertThat(envelope.get("schemaVersion").asInt()).isEqualTo(1);
            envelopes.add(envelope);
        }
        return envelopes;
    }

    /** The payload sequence numbers per aggregate, in arrival order. */
    private static Map<String, List<Integer>> sequences(List<JsonNode> envelopes) {
        Map<String, List<Integer>> byAggregate = new LinkedHashMap<>();
        envelopes.forEach(envelope -> byAggregate.computeIfAbsent(envelope.get("aggregateId").asString(),
                id -> new ArrayList<>()).add(envelope.get("payload").get("sequence").asInt()));
        return byAggregate;
    }

    /** A relay as another replica runs it: its own pool of database connections and its own broker connection. */
    private OutboxRelay replica() {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(database.jdbcUrl());
        pool.setUsername(database.username());
        pool.setPassword(database.password());
        pool.setMaximumPoolSize(2);
        pools.add(pool);
        return relay(JdbcClient.create(pool), new TransactionTemplate(new DataSourceTransactionManager(pool)),
                factory(RABBIT.port()));
    }

    private OutboxRelay relay(CachingConnectionFactory connections) {
        return relay(jdbc, transactions, connections);
    }

    /** Small batches, so two relays meet on the same rows many times. */
    private OutboxRelay relay(JdbcClient database, TransactionTemplate transactions,
            CachingConnectionFactory connections) {
        return new OutboxRelay(database, transactions, new RabbitTemplate(connections), exchange,
                new EventsProperties.Outbox(true, null, 7, Duration.ofSeconds(5), null, null, null));
    }

    /** The tests' broker at {@code port}: its own, or a proxy's on loopback. */
    private CachingConnectionFactory factory(int port) {
        CachingConnectionFactory factory = new CachingConnectionFactory(port == RABBIT.port() ? RABBIT.host() : "127.0.0.1", port);
        factory.setUsername(RABBIT.username());
        factory.setPassword(RABBIT.password());
        factory.setConnectionTimeout(2000);
        factory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        factories.add(factory);
        return factory;
    }
}
