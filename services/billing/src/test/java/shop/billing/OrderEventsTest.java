package shop.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import shop.billing.order.Address;
import shop.billing.order.OrderStore;
import shop.testing.FreshBroker;
import shop.testing.FreshDatabase;
import shop.testing.TrustsTestTokens;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * order.placed leaves billing through the outbox with the commit that confirms the order, reaches
 * the real RabbitMQ's shop.events exchange, carries what shipping and recommendations need, and is
 * written once however often the order is confirmed; a confirmation that rolls back sends nothing.
 */
@FreshDatabase
@FreshBroker
@TrustsTestTokens
@SpringBootTest(properties = {"shop.events.outbox.poll-interval=100ms"})
class OrderEventsTest {

    @Autowired
    OrderStore orders;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AmqpAdmin admin;

    @Autowired
    RabbitTemplate rabbitTemplate;

    @Autowired
    TransactionTemplate eventTransactions;

    @Autowired
    JsonMapper json;

    final Queue seen = new Queue("test.order-events." + UUID.randomUUID(), false, false, false);

    @BeforeEach
    void listen() {
        admin.declareQueue(seen);
        admin.declareBinding(BindingBuilder.bind(seen).to(new TopicExchange("shop.events")).with("order.*"));
    }

    @Test
    void confirmingAnOrderPublishesOrderPlacedOnce() {
        UUID userId = UUID.randomUUID();
        UUID id = placedOrder(userId);
        orders.confirmed(id);
        orders.confirmed(id);

        Message message = rabbitTemplate.receive(seen.getName(), Duration.ofSeconds(10).toMillis());
        assertThat(message).as("order.placed on shop.events").isNotNull();
        assertThat(message.getMessageProperties().getReceivedRoutingKey()).isEqualTo("order.placed");
        JsonNode event = json.readTree(new String(message.getBody(), StandardCharsets.UTF_8));
        assertThat(event.get("type").asString()).isEqualTo("order.placed");
        assertThat(event.get("schemaVersion").asInt()).isEqualTo(1);
        assertThat(event.get("aggregateId").asString()).isEqualTo(id.toString());
        assertThat(event.get("eventId").asString()).isEqualTo(message.getMessageProperties().getMessageId());
        JsonNode payload = event.get("payload");
        assertThat(payload.get("userId").asString()).isEqualTo(userId.toString());
        assertThat(payload.get("totalCents").asLong()).isEqualTo(2 * 1250 + 499);
        assertThat(payload.get("currency").asString()).isEqualTo("USD");
        assertThat(payload.get("carrier").asString()).isEqualTo("Parcel Post");
        assertThat(payload.get("shippingAddress").get("country").asString()).isEqualTo("US");
        assertThat(payload.get("lines").get(0).get("sku").asString()).isEqualTo("KIT-007");
        assertThat(payload.get("lines").get(0).get("quantity").asInt()).isEqualTo(2);

        assertThat(rabbitTemplate.receive(seen.getName(), 1000)).as("written once").isNull();
        assertThat(jdbc.sql("select count(*) from outbox where aggregate_id = ? and sent_at is not null")
                .param(id.toString()).query(Integer.class).single()).isOne();
    }

    @Test
    void aConfirmationThatRollsBackSendsNothing() {
        UUID id = placedOrder(UUID.randomUUID());
        assertThatThrownBy(() -> eventTransactions.executeWithoutResult(status -> {
            orders.confirmed(id);
            throw new IllegalStateException("the commit fails");
        })).hasMessage("the commit fails");
        assertThat(jdbc.sql("select count(*) from outbox where aggregate_id = ?").param(id.toString())
                .query(Integer.class).single()).isZero();
        Message message;
        while ((message = rabbitTemplate.receive(seen.getName(), 1500)) != null) {
            assertThat(new String(message.getBody(), StandardCharsets.UTF_8)).doesNotContain(id.toString());
        }
    }

    private UUID placedOrder(UUID owner) {
        return PlacedOrders.placed(orders, owner, new Address("1 Main St", null, "Springfield", "12345", "us"));
    }
}
