package shop.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import shop.testing.ApiClient;
import shop.testing.FreshBroker;
import shop.testing.FreshDatabase;
import shop.testing.OpenApiContract;
import shop.testing.TestTokens;
import shop.testing.TrustsTestTokens;

/** Stock levels over REST: anyone reads them, only an ADMIN sets them. */
@FreshDatabase
@FreshBroker
@TrustsTestTokens
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StockApiTest {

    @Autowired
    TestTokens tokens;

    @LocalServerPort
    int port;

    ApiClient anonymous;
    ApiClient admin;

    @BeforeEach
    void connect() {
        anonymous = new ApiClient("http://127.0.0.1:" + port);
        admin = anonymous.withToken(tokens.token(UUID.randomUUID(), "ADMIN"));
    }

    @Test
    void everySeededCatalogSkuHasStock() {
        ApiClient.Response level = anonymous.get("/api/inventory/stock/KIT-001");
        assertThat(level.status()).isEqualTo(200);
        assertThat(level.json().get("sku").asString()).isEqualTo("KIT-001");
        assertThat(level.json().get("available").asInt()).isPositive();
        assertThat(anonymous.get("/api/inventory/stock/BOK-012").status()).isEqualTo(200);
    }

    @Test
    void unknownSkuIs404() {
        anonymous.get("/api/inventory/stock/NOPE-1").assertProblem(404);
    }

    @Test
    void adminSetsStockAndOthersMayNot() {
        assertThat(admin.put("/api/inventory/stock/OUT-003", Map.of("available", 7)).status()).isEqualTo(200);
        assertThat(anonymous.get("/api/inventory/stock/OUT-003").json().get("available").asInt()).isEqualTo(7);
        anonymous.withToken(tokens.token(UUID.randomUUID(), "SHOPPER"))
                .put("/api/inventory/stock/OUT-003", Map.of("available", 1000)).assertProblem(403);
        anonymous.put("/api/inventory/stock/OUT-003", Map.of("available", 1000)).assertProblem(401);
        assertThat(anonymous.get("/api/inventory/stock/OUT-003").json().get("available").asInt()).isEqualTo(7);
    }

    @Test
    void badCountsNameTheirField() {
        admin.put("/api/inventory/stock/OUT-004", Map.of("available", -1)).assertBadField("available");
        admin.put("/api/inventory/stock/OUT-004", Map.of()).assertBadField("available");
        admin.put("/api/inventory/stock/OUT-004", Map.of("available", "lots")).assertProblem(400);
        admin.put("/api/inventory/stock/bad%20sku", Map.of("available", 1)).assertBadField("sku");
    }

    @Test
    void thePublicApiKeepsItsReleasedContract() {
        OpenApiContract.assertKeepsItsRelease("inventory", anonymous);
    }
}
