package shop.platform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static shop.testing.Eventually.await;
import static shop.testing.Eventually.sleep;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
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
import shop.events.v1.EventEnvelope;
import shop.testing.TestBrokers;
import shop.testing.TestDatabases;
import tools.jackson.databind.json.JsonMapper;

/**
 * Consumers against the real PostgreSQL and RabbitMQ: an event is applied once however often it
 * is delivered, a handler that keeps failing puts the event in the dead letters with its reason
 * after its attempts, and a replay after the fix applies it; an unknown schema version goes to the
 * dead letters at once, an unknown field is ignored.
 */
class EventConsumersTest {

    /** The payload these tests consume: an amount to add to a counter. */
    record Added(String counter, int amount) {
    }

    static final JsonMapper JSON = JsonMapper.builder().build();

    final String service = "t" + UUID.randomUUID().toString().substring(0, 8);
    final String exchange = "test.events." + UUID.randomUUID();
    final AtomicBoolean broken = new AtomicBoolean();
    /** Makes the next handling take a while, signalling when it has begun, and then fail. */
    final AtomicBoolean slowOnce = new AtomicBoolean();
    final CountDownLatch handling = new CountDownLatch(1);
    JdbcClient jdbc;
    CachingConnectionFactory connections;
    RabbitAdmin admin;
    RabbitTemplate publisher;
    EventConsumers consumers;
    DeadLetters deadLetters;
    List<Declarable> declared;

    @BeforeEach
    void setUp() {
        TestDatabases.TestDatabase database = TestDatabases.create("eventconsumers");
        SimpleDriverDataSource dataSource = new SimpleDriverDataSource(new org.postgresql.Driver(), database.jdbcUrl(),
                database.username(), database.password());
        jdbc = JdbcClient.create(dataSource);
        // The inbox as a consuming service gets it from platform.
        new ResourceDatabasePopulator(new ClassPathResource("db/platform/inbox/R__platform_inbox.sql")).execute(dataSource);
        jdbc.sql("create table counter (name text primary key, total int not null)").update();

        TestBrokers.Broker rabbit = TestBrokers.broker();
        connections = new CachingConnectionFactory(rabbit.host(), rabbit.port());
        connections.setUsername(rabbit.username());
        connections.setPassword(rabbit.password());
        connections.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        admin = new RabbitAdmin(connections);
        TopicExchange topic = new TopicExchange(exchange, false, true);
        admin.declareExchange(topic);
        EventSubscription<Added> subscription = new EventSubscription<>("counter.added", 1, Added.class,
                event -> {
                    if (broken.get()) {
                        throw new IllegalStateException("counter store is broken");
                    }
                    if (slowOnce.compareAndSet(true, false)) {
                        handling.countDown();
                        sleep(Duration.ofMillis(1500));
                        throw new IllegalStateException("the consumer died mid-handling");
                    }
                    jdbc.sql("""
                            insert into counter (name, total) values (?, ?)
                            on conflict (name) do update set total = counter.total + excluded.total""")
                            .params(event.payload().counter(), event.payload().amount())
                            .update();
                });
        declared = EventConsumers.declarables(service, topic, List.of(subscription)).getDeclarables().stream().toList();
        declared.forEach(declarable -> {
            if (declarable instanceof Queue queue) {
                admin.declareQueue(queue);
            } else if (declarable instanceof org.springframework.amqp.core.Binding binding) {
                admin.declareBinding(binding);
            }
        });
        publisher = new RabbitTemplate(connections);
        consumers = new EventConsumers(service, List.of(subscription), connections, publisher, jdbc,
                new TransactionTemplate(new DataSourceTransactionManager(dataSource)), JSON,
                new EventsProperties.Consumer(Duration.ofSeconds(2), Duration.ofMillis(200), Duration.ofSeconds(1), 5),
                EventTrace.NONE);
        deadLetters = new DeadLetters(consumers, connections);
        consumers.start();
    }

    @AfterEach
    void tearDown() {
        consumers.stop();
        declared.stream().filter(Queue.class::isInstance).map(Queue.class::cast)
                .forEach(queue -> admin.deleteQueue(queue.getName()));
        admin.deleteExchange(exchange);
        connections.destroy();
    }

    @Test
    void anEventDeliveredTwiceIsAppliedOnce() {
        UUID eventId = UUID.randomUUID();
        publish(envelope(eventId, 1, Map.of("counter", "apples", "amount", 3)));
        publish(envelope(eventId, 1, Map.of("counter", "apples", "amount", 3)));
        publish(envelope(UUID.randomUUID(), 1, Map.of("counter", "apples", "amount", 4)));
        await(() -> total("apples") == 7 && handled() == 2);
        sleep(Duration.ofMillis(500));
        assertThat(total("apples")).isEqualTo(7);
        assertThat(deadLetters.list("counter.added")).isEmpty();
    }

    @Test
    void aConsumerCutOffMidHandlingLosesNothingAndAppliesTheEventOnce() throws InterruptedException {
        slowOnce.set(true);
        publish(envelope(UUID.randomUUID(), 1, Map.of("counter", "dates", "amount", 6)));
        assertThat(handling.await(10, TimeUnit.SECONDS)).isTrue();
        // As when the consumer's process dies: its handling rolls back, and the broker takes the
        // unacked delivery back and redelivers it (besides the retry copy the failure made).
        connections.resetConnection();
        await(() -> total("dates") == 6);
        sleep(Duration.ofSeconds(7));
        assertThat(total("dates")).isEqualTo(6);
        assertThat(handled()).isOne();
        assertThat(deadLetters.list("counter.added")).isEmpty();
    }

    @Test
    void aFieldThisConsumerDoesNotKnowIsIgnored() {
        publish(envelope(UUID.randomUUID(), 1, Map.of("counter", "pears", "amount", 2, "colour", "green")));
        await(() -> total("pears") == 2);
    }

    @Test
    void anUnknownSchemaVersionGoesToTheDeadLettersAtOnceWithItsReason() {
        UUID eventId = UUID.randomUUID();
        publish(envelope(eventId, 2, Map.of("counter", "plums", "amount", 2)));
        await(() -> deadLetters.list("counter.added").size() == 1);
        DeadLetters.DeadLetter letter = deadLetters.list("counter.added").get(0);
        assertThat(letter.eventId()).isEqualTo(eventId.toString());
        assertThat(letter.reason()).contains("unknown schema version 2", "reads version 1");
        assertThat(letter.attempts()).isZero();
        assertThat(total("plums")).isZero();
        assertThat(deadLetters.purge("counter.added", eventId.toString())).isOne();
        assertThat(deadLetters.list("counter.added")).isEmpty();
    }

    @Test
    void aFailureThatPassesWithinTheRetryPeriodLosesNothingAndParksNothing() {
        broken.set(true);
        publish(envelope(UUID.randomUUID(), 1, Map.of("counter", "limes", "amount", 8)));
        sleep(Duration.ofMillis(1000));
        assertThat(total("limes")).isZero();
        broken.set(false);
        await(() -> total("limes") == 8);
        assertThat(deadLetters.depth("counter.added")).isZero();
    }

    @Test
    void aPoisonEventIsDeadLetteredAfterTheRetryPeriodAndAReplayAfterTheFixAppliesIt() {
        broken.set(true);
        UUID poison = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        long start = System.nanoTime();
        publish(envelope(poison, 1, Map.of("counter", "figs", "amount", 5)));
        publish(envelope(other, 1, Map.of("counter", "kiwis", "amount", 1)));
        await(() -> deadLetters.depth("counter.added") == 2);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("retried for the whole period first")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        List<DeadLetters.DeadLetter> letters = deadLetters.list("counter.added");
        assertThat(letters).extracting(DeadLetters.DeadLetter::eventId)
                .containsExactlyInAnyOrder(poison.toString(), other.toString());
        assertThat(letters).allSatisfy(letter -> {
            assertThat(letter.attempts()).isBetween(4, 6);
            assertThat(letter.reason()).contains("counter store is broken");
            assertThat(letter.deadAt()).isNotBlank();
        });
        assertThat(total("figs")).isZero();
        assertThat(handled()).as("a failed handling records nothing").isZero();

        broken.set(false);
        assertThat(deadLetters.replay("counter.added", poison.toString())).isOne();
        await(() -> total("figs") == 5);
        assertThat(deadLetters.list("counter.added")).extracting(DeadLetters.DeadLetter::eventId)
                .containsExactly(other.toString());
        assertThat(deadLetters.replay("counter.added", null)).isOne();
        await(() -> total("kiwis") == 1);
        assertThat(deadLetters.list("counter.added")).isEmpty();
    }

    @Test
    void aMessageThatIsNotJsonIsDeadLettered() {
        MessageProperties properties = new MessageProperties();
        properties.setMessageId("garbage-1");
        publisher.send(exchange, "counter.added", new Message("{not json".getBytes(StandardCharsets.UTF_8), properties));
        await(() -> deadLetters.list("counter.added").size() == 1);
        assertThat(deadLetters.list("counter.added").get(0).reason()).startsWith("not a JSON event envelope");
    }

    @Test
    void aPayloadThatBreaksItsSchemaIsDeadLetteredAtOnceNamingTheField() {
        publish(envelope(UUID.randomUUID(), 1, Map.of("counter", "plums", "amount", "three")));
        await(() -> deadLetters.list("counter.added").size() == 1);
        DeadLetters.DeadLetter letter = deadLetters.list("counter.added").get(0);
        assertThat(letter.reason()).contains("breaks the schema of counter.added version 1").contains("amount");
        assertThat(letter.attempts()).as("parked at once: no retry can mend it").isZero();
        assertThat(total("plums")).isZero();
    }

    private String envelope(UUID eventId, int version, Map<String, Object> payload) {
        return JSON.writeValueAsString(new EventEnvelope<>(eventId, "counter.added", version, Instant.now(), "agg",
                payload));
    }

    private void publish(String body) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        properties.setMessageId(JSON.readTree(body).get("eventId").asString());
        publisher.send(exchange, "counter.added", new Message(body.getBytes(StandardCharsets.UTF_8), properties));
    }

    private int total(String counter) {
        return jdbc.sql("select coalesce(sum(total), 0) from counter where name = ?").param(counter)
                .query(Integer.class).single();
    }

    private int handled() {
        return jdbc.sql("select count(*) from inbox").query(Integer.class).single();
    }
}
