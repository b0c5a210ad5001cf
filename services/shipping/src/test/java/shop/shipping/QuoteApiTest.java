package shop.shipping;

import static org.assertj.core.api.Assertions.assertThat;
import static shop.testing.CatalogOnLoopback.product;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import shop.testing.ApiClient;
import shop.testing.CatalogOnLoopback;
import shop.testing.Eventually;
import shop.testing.FreshBroker;
import shop.testing.FreshDatabase;
import shop.testing.OpenApiContract;
import shop.testing.TestTokens;
import shop.testing.TrustsTestTokens;
import tools.jackson.databind.JsonNode;

/**
 * Quotes over REST as the front-end asks for them, with the default rate card (home: US): the
 * items are only product ids, weighed and priced by a catalog reached through discovery.
 */
@FreshDatabase
@FreshBroker
@TrustsTestTokens
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"shop.grpc.client.deadline=3s", "shop.grpc.client.discovery-refresh=1s"})
class QuoteApiTest {

    static final CatalogOnLoopback catalog = new CatalogOnLoopback(List.of(
            product(1, "KIT-002", 230, 8900),
            product(2, "KIT-003", 2600, 4500),
            product(3, "KIT-004", 1200, 2900)));

    @DynamicPropertySource
    static void neighbours(DynamicPropertyRegistry registry) {
        catalog.register(registry);
    }

    @AfterAll
    static void stopNeighbours() throws InterruptedException {
        catalog.close();
    }

    @Autowired
    TestTokens tokens;

    @LocalServerPort
    int port;

    ApiClient anonymous;

    @BeforeEach
    void connect() {
        anonymous = new ApiClient("http://127.0.0.1:" + port);
    }

    @Test
    void theCatalogsWeightsAndPricesMakeTheQuote() {
        JsonNode home = quote("US", item(3, 1));
        assertThat(home.get("costCents").asLong()).isEqualTo(499 + 100);
        assertThat(home.get("currency").asString()).isEqualTo("USD");
        assertThat(home.get("carrier").asString()).isEqualTo("Fig Post");
        assertThat(home.get("etaDays").asInt()).isEqualTo(3);
        assertThat(home.get("zone").asString()).isEqualTo("domestic");

        JsonNode europe = quote("DE", item(2, 1), item(3, 1));
        assertThat(europe.get("zone").asString()).isEqualTo("europe");
        assertThat(europe.get("costCents").asLong()).isEqualTo(1499 + 3 * 300);

        JsonNode sameProductTwice = quote("BR", item(3, 1), item(3, 1));
        assertThat(sameProductTwice.get("zone").asString()).isEqualTo("world");
        assertThat(sameProductTwice.get("costCents").asLong()).isEqualTo(2499 + 2 * 500);
    }

    @Test
    void itemsWorthTheThresholdShipFree() {
        JsonNode free = quote("US", item(1, 1));
        assertThat(free.get("costCents").asLong()).isZero();
        assertThat(free.get("carrier").asString()).isEqualTo("Fig Post");
        assertThat(quote("US", item(3, 2)).get("costCents").asLong()).isEqualTo(499 + 2 * 100);
        assertThat(quote("US", item(3, 3)).get("costCents").asLong()).isZero();
    }

    @Test
    void unknownProductsAndBadQuantitiesNameTheirItem() {
        post(address("US"), List.of(item(1, 1), item(999, 1))).assertBadField("items[1].productId");
        post(address("US"), List.of(item(1, 0))).assertBadField("items[0].quantity");
        post(address("US"), List.of(item(1, 1), item(1, -2))).assertBadField("items[1].quantity");
        post(address("US"), List.of(item(1, 1001))).assertBadField("items[0].quantity");
        post(address("US"), List.of(Map.of("productId", 1))).assertBadField("items[0].quantity");
        post(address("US"), List.of(Map.of("quantity", 1))).assertBadField("items[0].productId");
        post(address("US"), List.of(Map.of("productId", 1, "quantity", "many"))).assertProblem(400);
        post(address("US"), List.of()).assertBadField("items");
        anonymous.post("/api/shipping/quotes", Map.of("address", address("US"))).assertBadField("items");
    }

    @Test
    void missingOrBadAddressFieldsAreNamed() {
        ApiClient.Response incomplete = post(Map.of("country", "US"), List.of(item(1, 1)));
        incomplete.assertBadField("address.line1").assertBadField("address.city").assertBadField("address.postalCode");
        post(Map.of("line1", "1 Main St", "city", "Springfield", "postalCode", "12345"), List.of(item(1, 1)))
                .assertBadField("address.country");
        post(address("XX"), List.of(item(1, 1))).assertBadField("address.country");
        post(address("USA"), List.of(item(1, 1))).assertBadField("address.country");
        anonymous.post("/api/shipping/quotes", Map.of("items", List.of(item(1, 1)))).assertBadField("address");
        anonymous.post("/api/shipping/quotes", "{not json").assertProblem(400);
    }

    @Test
    void catalogDownIsA503WithinTheDeadlineUntilItIsBack() throws InterruptedException {
        catalog.goDown();
        try {
            Instant start = Instant.now();
            post(address("US"), List.of(item(1, 1))).assertProblem(503);
            assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(5));
        } finally {
            catalog.comeBack();
        }
        // The channel reconnects on gRPC's backoff schedule, a second or a few after the catalog is back.
        Eventually.await(() -> post(address("US"), List.of(item(3, 1))).status() == 200);
        assertThat(quote("US", item(3, 1)).get("zone").asString()).isEqualTo("domestic");
    }

    @Test
    void quotesNeedNoTokenButTheRestOfTheApiDoes() {
        assertThat(quote("US", item(3, 1)).get("costCents").asLong()).isPositive();
        anonymous.get("/api/shipping/shipments?orderId=1").assertProblem(401);
        anonymous.withToken(tokens.tokenSignedByAStranger(UUID.randomUUID(), "SHOPPER"))
                .post("/api/shipping/quotes", Map.of("address", address("US"), "items", List.of(item(3, 1))))
                .assertProblem(401);
    }

    private JsonNode quote(String country, Map<?, ?>... items) {
        ApiClient.Response response = post(address(country), List.of(items));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    private ApiClient.Response post(Map<String, String> address, List<?> items) {
        return anonymous.post("/api/shipping/quotes", Map.of("address", address, "items", items));
    }

    private static Map<String, String> address(String country) {
        return Map.of("line1", "1 Main St", "line2", "", "city", "Springfield", "postalCode", "12345",
                "country", country);
    }

    private static Map<String, Object> item(long productId, int quantity) {
        return Map.of("productId", productId, "quantity", quantity);
    }

    @Test
    void thePublicApiKeepsItsReleasedContract() {
        OpenApiContract.assertKeepsItsRelease("shipping", anonymous);
    }
}
