package shop.recommendations;

import static org.assertj.core.api.Assertions.assertThat;
import static shop.testing.Eventually.await;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import shop.catalog.v1.Product;
import shop.events.v1.Address;
import shop.events.v1.EventEnvelope;
import shop.events.v1.OrderPlaced;
import shop.testing.ApiClient;
import shop.testing.CatalogOnLoopback;
import shop.testing.Eventually;
import shop.testing.FreshBroker;
import shop.testing.FreshDatabase;
import shop.testing.OpenApiContract;
import shop.testing.TrustsTestTokens;
import tools.jackson.databind.json.JsonMapper;

/**
 * Recommendations learned from order.placed on the real RabbitMQ and PostgreSQL, with product
 * details from a catalog on loopback: bought together first, else popular in the category, else
 * popular; an order delivered twice counts once; a catalog that is down gives an empty list.
 */
@FreshDatabase
@FreshBroker
@TrustsTestTokens
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"shop.grpc.client.deadline=3s", "shop.grpc.client.discovery-refresh=1s"})
class RecommendationsTest {

    static final CatalogOnLoopback catalog = new CatalogOnLoopback(List.of(
            product(1, "kitchen"), product(2, "kitchen"), product(3, "kitchen"),
            product(4, "books"), product(5, "books"), product(6, "outdoor")));

    @DynamicPropertySource
    static void neighbours(DynamicPropertyRegistry registry) {
        catalog.register(registry);
    }

    @AfterAll
    static void stopNeighbours() throws InterruptedException {
        catalog.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    RabbitTemplate rabbitTemplate;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JsonMapper json;

    @Test
    void boughtTogetherElsePopularInTheCategoryElsePopularAndEmptyWhenTheCatalogIsDown() throws Exception {
        ApiClient api = new ApiClient("http://127.0.0.1:" + port);
        String first = order(1, 2);
        publish(first);
        publish(first);
        publish(order(1, 2, 4));
        publish(order(1, 3));
        publish(order(4));
        await(() -> jdbc.sql("select count(*) from inbox").query(Integer.class).single() == 4);
        assertThat(jdbc.sql("select orders from bought_together where product_id = 1 and other_id = 2")
                .query(Long.class).single()).as("the order delivered twice counted once").isEqualTo(2);

        assertThat(ids(api.get("/api/recommendations?productId=1"))).containsExactly(2L, 3L, 4L);
        assertThat(ids(api.get("/api/recommendations?productId=1&limit=1"))).containsExactly(2L);
        assertThat(ids(api.get("/api/recommendations?productId=5"))).containsExactly(4L);
        assertThat(ids(api.get("/api/recommendations?productId=6"))).containsExactly(1L, 2L, 4L, 3L);
        assertThat(api.get("/api/recommendations?productId=1").json().get(0).get("category").asString())
                .isEqualTo("kitchen");

        api.get("/api/recommendations").assertBadField("productId");
        api.get("/api/recommendations?productId=1&limit=0").assertBadField("limit");
        api.get("/api/recommendations?productId=x").assertBadField("productId");

        catalog.goDown();
        try {
            ApiClient.Response down = api.get("/api/recommendations?productId=1");
            assertThat(down.status()).isEqualTo(200);
            assertThat(down.json()).isEmpty();
        } finally {
            catalog.comeBack();
        }
        // Back on gRPC's reconnect schedule: recommendations return once the catalog does.
        Eventually.await(() -> !api.get("/api/recommendations?productId=1").json().isEmpty());
    }

    private static Product product(long id, String category) {
        return Product.newBuilder().setId(id).setSku("SKU-" + id).setName("Product " + id).setPriceCents(1000)
                .setCurrency("USD").setCategory(category).setWeightGrams(500).build();
    }

    private String order(long... productIds) {
        UUID orderId = UUID.randomUUID();
        List<OrderPlaced.Line> lines = Arrays.stream(productIds)
                .mapToObj(id -> new OrderPlaced.Line(id, "SKU-" + id, "Product " + id, 1, 1000)).toList();
        OrderPlaced placed = new OrderPlaced(orderId, UUID.randomUUID(), lines, 1000L * lines.size(), 0,
                1000L * lines.size(), "USD", "Fig Post", new Address("1 Main St", null, "Springfield", "12345", "US"));
        return json.writeValueAsString(new EventEnvelope<>(UUID.randomUUID(), OrderPlaced.TYPE, 1, Instant.now(),
                orderId.toString(), placed));
    }

    private void publish(String body) {
        MessageProperties properties = new MessageProperties();
        properties.setMessageId(json.readTree(body).get("eventId").asString());
        rabbitTemplate.send("shop.events", OrderPlaced.TYPE, new Message(body.getBytes(StandardCharsets.UTF_8),
                properties));
    }

    private static List<Long> ids(ApiClient.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().valueStream().map(product -> product.get("id").asLong()).toList();
    }

    @Test
    void thePublicApiKeepsItsReleasedContract() {
        OpenApiContract.assertKeepsItsRelease("recommendations", new ApiClient("http://127.0.0.1:" + port));
    }
}
