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
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.support.TransactionTemplate;
import shop.testing.TcpProxy;
import shop.testing.TestDatabases;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The relay against the real PostgreSQL and RabbitMQ: it publishes with confirms in order per
 * aggregate, keeps rows while the broker is cut away and catches up after, and two relays on one
 * outbox never publish a row twice.
 */
class OutboxRelayTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String OUTBOX_DDL = """
            create table outbox (
              id bigserial primary key, event_id uuid not null unique, type text not null,
              aggregate_id text not null, envelope text not null, created_at timestamptz not null default now(),
              attempts int not null default 0, last_error text, sent_at timestamptz);
            create index outbox_unsent on outbox (aggregate_id, id) where sent_at is null""";

    final String exchange = "test.events." + UUID.randomUUID();
    final List<CachingConnectionFactory> factories = new ArrayList<>();
    JdbcClient jdbc;
    TransactionTemplate transactions;
    Outbox outbox;
    RabbitAdmin admin;
    RabbitTemplate reader;
    Queue seen;

    @BeforeEach
    void setUp() {
        TestDatabases.TestDatabase database = TestDatabases.create("outboxrelay");
        SimpleDriverDataSource dataSource = new SimpleDriverDataSource(new org.postgresql.Driver(), database.jdbcUrl(),
                database.username(), database.password());
        jdbc = JdbcClient.create(dataSource);
        transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        jdbc.sql(OUTBOX_DDL).update();

        CachingConnectionFactory direct = factory(5672);
        admin = new RabbitAdmin(direct);
        TopicExchange topic = new TopicExchange(exchange, false, true);
        admin.declareExchange(topic);
        // A plain queue: Debian's RabbitMQ 3.10 refuses AnonymousQueue's leader-locator argument.
        seen = new Queue("test.seen." + UUID.randomUUID(), false, false, false);
        admin.declareQueue(seen);
        admin.declareBinding(BindingBuilder.bind(seen).to(topic).with("#"));
        reader = new RabbitTemplate(direct);
        outbox = new Outbox(jdbc, JSON, relay(direct));
    }

    @AfterEach
    void tearDown() {
        admin.deleteQueue(seen.getName());
        admin.deleteExchange(exchange);
        factories.forEach(CachingConnectionFactory::destroy);
    }

    @Test
    void rowsWaitWhileTheBrokerIsAwayAndAllGoOutOnceInOrderAfter() {
        try (TcpProxy broker = new TcpProxy("127.0.0.1", 5672)) {
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
        Map<String, List<Integer>> received = receiveAll(24);
        assertThat(received).hasSize(6);
        received.values().forEach(sequence -> assertThat(sequence).containsExactly(0, 1, 2, 3));
    }

    @Test
    void aRelayThatStartsWithTheBrokerAwayCatchesUpInTheBackground() throws Exception {
        try (TcpProxy broker = new TcpProxy("127.0.0.1", 5672)) {
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
        assertThat(receiveAll(10).values()).allSatisfy(sequence -> assertThat(sequence).containsExactly(0, 1));
    }

    @Test
    void twoRelaysOnOneOutboxNeverPublishARowTwice() throws Exception {
        write(40, 10);
        OutboxRelay first = relay(factory(5672));
        OutboxRelay second = relay(factory(5672));
        ExecutorService replicas = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> a = replicas.submit(() -> drain(first));
            Future<Integer> b = replicas.submit(() -> drain(second));
            assertThat(a.get() + b.get()).isEqualTo(400);
            assertThat(a.get()).as("both relays took part").isPositive();
            assertThat(b.get()).as("both relays took part").isPositive();
        } finally {
            replicas.shutdownNow();
        }
        Map<String, List<Integer>> received = receiveAll(400);
        assertThat(received).hasSize(40);
        received.values().forEach(sequence -> assertThat(sequence).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
        assertThat(reader.receive(seen.getName(), 500)).as("nothing published twice").isNull();
    }

    @Test
    void anEventOutsideATransactionIsRefused() {
        assertThatThrownBy(() -> outbox.add("test.happened", 1, "a", Map.of()))
                .isInstanceOf(IllegalStateException.class);
    }

    /** Writes {@code perAggregate} events, numbered from 0, for each of {@code aggregates} new aggregates. */
    private void write(int aggregates, int perAggregate) {
        List<String> ids = new ArrayList<>();
        for (int a = 0; a < aggregates; a++) {
            ids.add(UUID.randomUUID().toString());
        }
        for (int n = 0; n < perAggregate; n++) {
            int sequence = n;
            transactions.executeWithoutResult(status -> ids.forEach(
                    id -> outbox.add("test.happened", 1, id, Map.of("sequence", sequence))));
        }
    }

    /** Rounds until the outbox is empty (another relay may be taking part); returns how many it published. */
    private int drain(OutboxRelay relay) {
        int total = 0;
        do {
            total += relay.relayOnce();
        } while (unsent() > 0);
        return total;
    }

    private int unsent() {
        return jdbc.sql("select count(*) from outbox where sent_at is null").query(Integer.class).single();
    }

    /** The payload sequence numbers received per aggregate, in arrival order. */
    private Map<String, List<Integer>> receiveAll(int expected) {
        Map<String, List<Integer>> byAggregate = new LinkedHashMap<>();
        for (int i = 0; i < expected; i++) {
            Message message = reader.receive(seen.getName(), 5000);
            assertThat(message).as("message %d of %d", i + 1, expected).isNotNull();
            assertThat(message.getMessageProperties().getMessageId()).isNotBlank();
            JsonNode envelope = JSON.readTree(new String(message.getBody(), StandardCharsets.UTF_8));
            assertThat(envelope.get("schemaVersion").asInt()).isEqualTo(1);
            byAggregate.computeIfAbsent(envelope.get("aggregateId").asString(), id -> new ArrayList<>())
                    .add(envelope.get("payload").get("sequence").asInt());
        }
        return byAggregate;
    }

    private OutboxRelay relay(CachingConnectionFactory connections) {
        return new OutboxRelay(jdbc, transactions, new RabbitTemplate(connections), exchange,
                new EventsProperties.Outbox(true, null, 7, Duration.ofSeconds(5), null, null, null));
    }

    private CachingConnectionFactory factory(int port) {
        CachingConnectionFactory factory = new CachingConnectionFactory("127.0.0.1", port);
        factory.setUsername("guest");
        factory.setPassword("guest");
        factory.setConnectionTimeout(2000);
        factory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        factories.add(factory);
        return factory;
    }
}
