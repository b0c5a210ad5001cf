package shop.shipping;

import static org.assertj.core.api.Assertions.assertThat;
import static shop.testing.Eventually.await;
import static shop.testing.Eventually.sleep;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import shop.events.v1.Address;
import shop.events.v1.EventEnvelope;
import shop.events.v1.OrderCancelled;
import shop.events.v1.OrderPlaced;
import shop.testing.ApiClient;
import shop.testing.FreshBroker;
import shop.testing.FreshDatabase;
import shop.testing.TestTokens;
import shop.testing.TrustsTestTokens;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Shipments from events on the real RabbitMQ and PostgreSQL, on a fast schedule: order.placed
 * makes one shipment with a tracking number however often it is delivered, it moves to DELIVERED
 * announcing dispatch and delivery, its owner alone can track it, order.cancelled stops it only
 * before dispatch, and an event of an unknown version waits in the dead letters for an ADMIN.
 */
@FreshDatabase
@FreshBroker
@TrustsTestTokens
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "shop.shipping.schedule.label-created-for=1500ms",
        "shop.shipping.schedule.dispatched-for=300ms", "shop.shipping.schedule.in-transit-for=300ms",
        "shop.shipping.schedule.check-every=100ms", "shop.events.outbox.poll-interval=100ms"})
class ShipmentsTest {

    @Autowired
    TestTokens tokens;

    @LocalServerPort
    int port;

    @Autowired
    RabbitTemplate rabbitTemplate;

    @Autowired
    AmqpAdmin admin;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JsonMapper json;

    final Queue announced = new Queue("test.shipment-events." + UUID.randomUUID(), false, false, false);
    final UUID annId = UUID.randomUUID();
    ApiClient ann;
    ApiClient bob;
    ApiClient operator;

    @BeforeEach
    void connect() {
        ApiClient anonymous = new ApiClient("http://127.0.0.1:" + port);
        ann = anonymous.withToken(tokens.token(annId, "SHOPPER"));
        bob = anonymous.withToken(tokens.token(UUID.randomUUID(), "SHOPPER"));
        operator = anonymous.withToken(tokens.token(UUID.randomUUID(), "ADMIN"));
        admin.declareQueue(announced);
        admin.declareBinding(BindingBuilder.bind(announced).to(new TopicExchange("shop.events")).with("shipment.*"));
    }

    @Test
    void aPlacedOrderIsShippedAndDeliveredAndOnlyItsOwnerTracksIt() {
        UUID orderId = UUID.randomUUID();
        String placed = envelope(UUID.randomUUID(), OrderPlaced.TYPE, 1, orderId, placed(orderId));
        publish(OrderPlaced.TYPE, placed);
        publish(OrderPlaced.TYPE, placed);

        await(() -> ann.get("/api/shipping/shipments?orderId=" + orderId).status() == 200);
        JsonNode shipment = ann.get("/api/shipping/shipments?orderId=" + orderId).json();
        assertThat(shipment.get("trackingNumber").asString()).matches("FIG\\d{12}");
        assertThat(shipment.get("carrier").asString()).isEqualTo("Fig Post");

        await(() -> "DELIVERED".equals(status(orderId)));
        JsonNode delivered = ann.get("/api/shipping/shipments?orderId=" + orderId).json();
        assertThat(delivered.get("trackingNumber").asString()).isEqualTo(shipment.get("trackingNumber").asString());
        assertThat(delivered.get("events").findValuesAsString("status"))
                .containsExactly("LABEL_CREATED", "DISPATCHED", "IN_TRANSIT", "DELIVERED");
        assertThat(jdbc.sql("select count(*) from shipment where order_id = ?").param(orderId).query(Integer.class)
                .single()).as("one shipment for a twice-delivered event").isOne();

        List<JsonNode> events = receive(2);
        assertThat(events).extracting(event -> event.get("type").asString())
                .containsExactly("shipment.dispatched", "shipment.delivered");
        assertThat(events.get(0).get("payload").get("orderId").asString()).isEqualTo(orderId.toString());
        assertThat(events.get(0).get("payload").get("userId").asString()).isEqualTo(annId.toString());
        assertThat(events.get(1).get("payload").get("trackingNumber").asString())
                .isEqualTo(shipment.get("trackingNumber").asString());

        bob.get("/api/shipping/shipments?orderId=" + orderId).assertProblem(404);
        ann.get("/api/shipping/shipments").assertBadField("orderId");
        ann.get("/api/shipping/shipments?orderId=nope").assertBadField("orderId");
        new ApiClient("http://127.0.0.1:" + port).get("/api/shipping/shipments?orderId=" + orderId)
                .assertProblem(401);
    }

    @Test
    void aCancelledOrderIsStoppedBeforeDispatchButNotAfter() {
        UUID early = UUID.randomUUID();
        publish(OrderPlaced.TYPE, envelope(UUID.randomUUID(), OrderPlaced.TYPE, 1, early, placed(early)));
        await(() -> "LABEL_CREATED".equals(status(early)));
        publish(OrderCancelled.TYPE, envelope(UUID.randomUUID(), OrderCancelled.TYPE, 1, early, cancelled(early)));
        await(() -> "CANCELLED".equals(status(early)));

        UUID late = UUID.randomUUID();
        publish(OrderPlaced.TYPE, envelope(UUID.randomUUID(), OrderPlaced.TYPE, 1, late, placed(late)));
        await(() -> "IN_TRANSIT".equals(status(late)) || "DELIVERED".equals(status(late)));
        publish(OrderCancelled.TYPE, envelope(UUID.randomUUID(), OrderCancelled.TYPE, 1, late, cancelled(late)));
        await(() -> "DELIVERED".equals(status(late)));

        // A cancellation that overtakes its order: the shipment is born cancelled.
        UUID overtaken = UUID.randomUUID();
        publish(OrderCancelled.TYPE, envelope(UUID.randomUUID(), OrderCancelled.TYPE, 1, overtaken,
                cancelled(overtaken)));
        await(() -> jdbc.sql("select count(*) from cancelled_order where order_id = ?").param(overtaken)
                .query(Integer.class).single() == 1);
        publish(OrderPlaced.TYPE, envelope(UUID.randomUUID(), OrderPlaced.TYPE, 1, overtaken, placed(overtaken)));
        await(() -> "CANCELLED".equals(status(overtaken)));

        sleep(Duration.ofMillis(2000));
        assertThat(status(early)).isEqualTo("CANCELLED");
        assertThat(status(overtaken)).isEqualTo("CANCELLED");
    }

    @Test
    void anUnknownVersionWaitsInTheDeadLettersForAnAdmin() {
        UUID orderId = UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        publish(OrderPlaced.TYPE, envelope(eventId, OrderPlaced.TYPE, 7, orderId, placed(orderId)));
        await(() -> operator.get("/actuator/deadletters/order.placed").json().size() == 1);
        JsonNode letter = operator.get("/actuator/deadletters/order.placed").json().get(0);
        assertThat(letter.get("eventId").asString()).isEqualTo(eventId.toString());
        assertThat(letter.get("reason").asString()).contains("unknown schema version 7");
        assertThat(status(orderId)).isNull();

        ann.get("/actuator/deadletters").assertProblem(403);
        assertThat(operator.get("/actuator/deadletters").json().has("order.cancelled")).isTrue();
        assertThat(operator.delete("/actuator/deadletters/order.placed").json().get("messages").asInt()).isOne();
        assertThat(operator.get("/actuator/deadletters/order.placed").json()).isEmpty();
    }

    private OrderPlaced placed(UUID orderId) {
        return new OrderPlaced(orderId, annId, List.of(new OrderPlaced.Line(7, "KIT-007", "Tea Kettle", 2, 1250)),
                2500, 499, 2999, "USD", "Fig Post", new Address("1 Main St", null, "Springfield", "12345", "US"));
    }

    private OrderCancelled cancelled(UUID orderId) {
        return new OrderCancelled(orderId, annId, List.of(new OrderPlaced.Line(7, "KIT-007", "Tea Kettle", 2, 1250)));
    }

    private String envelope(UUID eventId, String type, int version, UUID orderId, Object payload) {
        return json.writeValueAsString(new EventEnvelope<>(eventId, type, version, Instant.now(), orderId.toString(),
                payload));
    }

    private void publish(String type, String body) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        properties.setMessageId(json.readTree(body).get("eventId").asString());
        rabbitTemplate.send("shop.events", type, new Message(body.getBytes(StandardCharsets.UTF_8), properties));
    }

    private String status(UUID orderId) {
        return jdbc.sql("select status from shipment where order_id = ?").param(orderId).query(String.class)
                .optional().orElse(null);
    }

    private List<JsonNode> receive(int count) {
        List<JsonNode> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Message message = rabbitTemplate.receive(announced.getName(), 10_000);
            assertThat(message).as("event %d of %d", i + 1, count).isNotNull();
            events.add(json.readTree(new String(message.getBody(), StandardCharsets.UTF_8)));
        }
        return events;
    }
}
