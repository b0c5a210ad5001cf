package shop.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static shop.testing.Eventually.await;
import static shop.testing.Eventually.sleep;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import shop.events.v1.EventEnvelope;
import shop.events.v1.OrderCancelled;
import shop.events.v1.OrderPlaced;
import shop.inventory.reservation.ReservationItem;
import shop.inventory.reservation.Reservations;
import shop.testing.FreshBroker;
import shop.testing.FreshDatabase;
import tools.jackson.databind.json.JsonMapper;

/**
 * order.cancelled from the real RabbitMQ puts a sold order's stock back exactly once: the same
 * event delivered twice, and a second cancellation event of the same order, change nothing more.
 */
@FreshDatabase
@FreshBroker
@SpringBootTest(properties = {"shop.inventory.reservation-ttl=1h", "shop.inventory.expiry-sweep-interval=1h"})
class CancelledOrdersTest {

    @Autowired
    Reservations reservations;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    RabbitTemplate rabbitTemplate;

    @Autowired
    JsonMapper json;

    @Test
    void aCancelledOrdersStockComesBackOnce() {
        jdbc.sql("update stock set available = 10 where sku in ('BOK-005', 'BOK-006')").update();
        String orderId = UUID.randomUUID().toString();
        reservations.reserve(orderId, List.of(new ReservationItem("BOK-005", 3), new ReservationItem("BOK-006", 1)));
        reservations.commit(orderId);
        assertThat(available("BOK-005")).isEqualTo(7);

        UUID eventId = UUID.randomUUID();
        publishCancelled(eventId, orderId);
        publishCancelled(eventId, orderId);
        publishCancelled(UUID.randomUUID(), orderId);
        await(() -> available("BOK-005") == 10);
        sleep(Duration.ofSeconds(1));
        assertThat(available("BOK-005")).isEqualTo(10);
        assertThat(available("BOK-006")).isEqualTo(10);
        assertThat(jdbc.sql("select status from reservation where order_id = ?").param(orderId).query(String.class)
                .single()).isEqualTo("RETURNED");
        assertThat(jdbc.sql("select count(*) from inbox").query(Integer.class).single()).isEqualTo(2);
    }

    private void publishCancelled(UUID eventId, String orderId) {
        OrderCancelled cancelled = new OrderCancelled(UUID.fromString(orderId), UUID.randomUUID(),
                List.of(new OrderPlaced.Line(1, "BOK-005", "A Book", 3, 1500)));
        String body = json.writeValueAsString(new EventEnvelope<>(eventId, OrderCancelled.TYPE, 1, Instant.now(),
                orderId, cancelled));
        MessageProperties properties = new MessageProperties();
        properties.setMessageId(eventId.toString());
        rabbitTemplate.send("shop.events", OrderCancelled.TYPE,
                new Message(body.getBytes(StandardCharsets.UTF_8), properties));
    }

    private int available(String sku) {
        return jdbc.sql("select available from stock where sku = ?").param(sku).query(Integer.class).single();
    }
}
