package shop.profiles.account;

import static org.assertj.core.api.Assertions.assertThat;
import static shop.testing.Eventually.await;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import shop.events.v1.Address;
import shop.events.v1.EventEnvelope;
import shop.events.v1.OrderPlaced;
import shop.testing.ApiClient;
import shop.testing.FreshBroker;
import shop.testing.FreshDatabase;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The profile's order count and last order date, kept from order.placed on the real RabbitMQ and
 * PostgreSQL: each order counts once however often it is delivered, the latest placing time wins,
 * and an order for an account profiles does not have waits in the dead letters for an ADMIN.
 */
@FreshDatabase
@FreshBroker
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "shop.profiles.admin-password=admin-secret-1")
class OrderHistoryTest {

    static final Instant MONDAY = Instant.parse("2026-11-23T09:15:00Z");
    static final Instant WEDNESDAY = Instant.parse("2026-11-25T18:40:00Z");

    @LocalServerPort
    int port;

    @Autowired
    RabbitTemplate rabbitTemplate;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JsonMapper json;

    @Autowired
    MeterRegistry meters;

    ApiClient api;

    @BeforeEach
    void connect() {
        api = new ApiClient("http://127.0.0.1:" + port);
    }

    @Test
    void eachOrderCountsOnceAndTheLatestDateStays() {
        ApiClient ann = signUp("ann@example.com", "Ann");
        UUID annId = UUID.fromString(ann.get("/api/profiles/me").json().get("id").asString());
        JsonNode before = ann.get("/api/profiles/me").json();
        assertThat(before.get("orderCount").asInt()).isZero();
        assertThat(before.get("lastOrderAt").isNull()).isTrue();

        publish(placed(UUID.randomUUID(), annId, MONDAY));
        await(() -> orderCount(ann) == 1);
        assertThat(lastOrderAt(ann)).isEqualTo(MONDAY);

        String wednesday = placed(UUID.randomUUID(), annId, WEDNESDAY);
        publish(wednesday);
        publish(wednesday);
        // An older order that arrives late counts, but does not move the date back.
        String sunday = placed(UUID.randomUUID(), annId, MONDAY.minusSeconds(86_400));
        publish(sunday);
        await(() -> orderCount(ann) == 3);
        assertThat(lastOrderAt(ann)).isEqualTo(WEDNESDAY);
        // The queue is handled in order: once the last event counted, the redelivery before it was seen.
        assertThat(eventId(sunday)).isIn(jdbc.sql("select event_id::text from inbox").query(String.class).list());
        assertThat(orderCount(ann)).as("the order delivered twice counted once").isEqualTo(3);

        ApiClient.Response updated = ann.put("/api/profiles/me", Map.of("name", "Ann B."));
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(updated.json().get("orderCount").asInt()).as("a profile update keeps the count").isEqualTo(3);
    }

    @Test
    void anOrderForAnUnknownAccountWaitsInTheDeadLetters() {
        ApiClient operator = login("admin@shop.local", "admin-secret-1");
        UUID stranger = UUID.randomUUID();
        String order = placed(UUID.randomUUID(), stranger, MONDAY);
        publish(order);

        await(() -> operator.get("/actuator/deadletters/order.placed").json().size() == 1);
        JsonNode letter = operator.get("/actuator/deadletters/order.placed").json().get(0);
        assertThat(letter.get("eventId").asString()).isEqualTo(eventId(order));
        assertThat(letter.get("reason").asString()).contains("no account " + stranger);
        assertThat(letter.get("attempts").asInt()).as("no retry can create the account").isOne();
        assertThat(jdbc.sql("select count(*) from inbox").query(Integer.class).single())
                .as("not marked handled, so a replay after a fix applies it").isZero();
        assertThat(deadLetterDepth()).as("the metric an alert watches").isOne();

        signUp("bob@example.com", "Bob").get("/actuator/deadletters").assertProblem(403);
        assertThat(operator.delete("/actuator/deadletters/order.placed").json().get("messages").asInt()).isOne();
        assertThat(deadLetterDepth()).isZero();
    }

    private double deadLetterDepth() {
        return meters.get("shop.events.dead.letters").tag("type", "order.placed").gauge().value();
    }

    private ApiClient signUp(String email, String name) {
        ApiClient.Response registered = api.post("/api/profiles/register",
                Map.of("email", email, "password", "long enough", "name", name));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        return login(email, "long enough");
    }

    private ApiClient login(String email, String password) {
        ApiClient.Response login = api.post("/api/profiles/login", Map.of("email", email, "password", password));
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        return api.withToken(login.json().get("token").asString());
    }

    private static int orderCount(ApiClient shopper) {
        return shopper.get("/api/profiles/me").json().get("orderCount").asInt();
    }

    private static Instant lastOrderAt(ApiClient shopper) {
        return Instant.parse(shopper.get("/api/profiles/me").json().get("lastOrderAt").asString());
    }

    private String placed(UUID orderId, UUID userId, Instant at) {
        OrderPlaced order = new OrderPlaced(orderId, userId, List.of(new OrderPlaced.Line(7, "KIT-007", "Tea Kettle", 1,
                1250)), 1250, 499, 1749, "USD", "Fig Post", new Address("1 Main St", null, "Springfield", "12345", "US"));
        return json.writeValueAsString(new EventEnvelope<>(UUID.randomUUID(), OrderPlaced.TYPE,
                OrderPlaced.SCHEMA_VERSION, at, orderId.toString(), order));
    }

    private String eventId(String envelope) {
        return json.readTree(envelope).get("eventId").asString();
    }

    private void publish(String envelope) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        properties.setMessageId(eventId(envelope));
        rabbitTemplate.send("shop.events", OrderPlaced.TYPE,
                new Message(envelope.getBytes(StandardCharsets.UTF_8), properties));
    }
}
