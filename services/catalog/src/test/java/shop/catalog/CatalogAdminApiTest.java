package shop.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import shop.testing.ApiClient;
import shop.testing.FreshDatabase;
import shop.testing.TestTokens;
import shop.testing.TrustsTestTokens;
import tools.jackson.databind.JsonNode;

/** Only an ADMIN changes the catalog; shoppers and strangers are refused, bad products named. */
@FreshDatabase
@TrustsTestTokens
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"eureka.client.enabled=false", "spring.grpc.server.enabled=false"})
class CatalogAdminApiTest {

    @Autowired
    TestTokens tokens;

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    ApiClient anonymous;
    ApiClient admin;
    ApiClient shopper;

    @BeforeEach
    void connect() {
        anonymous = new ApiClient("http://127.0.0.1:" + port);
        admin = anonymous.withToken(tokens.token(UUID.randomUUID(), "ADMIN"));
        shopper = anonymous.withToken(tokens.token(UUID.randomUUID(), "SHOPPER"));
    }

    @Test
    void adminCreatesChangesAndDeletesAProduct() {
        ApiClient.Response created = admin.post("/api/catalog/products", product("KIT-900", "Copper Saucepan", 5900));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long id = created.json().get("id").asLong();
        assertThat(anonymous.get("/api/catalog/products?q=copper+saucepan").json().get("items").get(0).get("id").asLong())
                .isEqualTo(id);

        Map<String, Object> cheaper = product("KIT-900", "Copper Saucepan", 4900);
        assertThat(admin.put("/api/catalog/products/" + id, cheaper).status()).isEqualTo(200);
        assertThat(anonymous.get("/api/catalog/products/" + id).json().get("priceCents").asLong()).isEqualTo(4900);

        assertThat(admin.delete("/api/catalog/products/" + id).status()).isEqualTo(204);
        anonymous.get("/api/catalog/products/" + id).assertProblem(404);
    }

    @Test
    void shopperIsForbiddenAndStrangerUnauthorised() {
        long before = productCount();
        shopper.post("/api/catalog/products", product("KIT-901", "Forbidden Pan", 100)).assertProblem(403);
        anonymous.post("/api/catalog/products", product("KIT-901", "Forbidden Pan", 100)).assertProblem(401);
        long someId = jdbc.sql("select min(id) from product").query(Long.class).single();
        shopper.delete("/api/catalog/products/" + someId).assertProblem(403);
        anonymous.put("/api/catalog/products/" + someId, product("KIT-001", "Renamed", 1)).assertProblem(401);
        assertThat(productCount()).isEqualTo(before);
    }

    @Test
    void forgedExpiredAndForeignTokensAreUnauthorised() {
        UUID id = UUID.randomUUID();
        for (String token : new String[] {tokens.tokenSignedByAStranger(id, "ADMIN"), tokens.expiredToken(id, "ADMIN"),
                tokens.tokenFromAnotherIssuer(id, "ADMIN"), tokens.tokenForAnotherAudience(id, "ADMIN"), "garbage"}) {
            anonymous.withToken(token).post("/api/catalog/products", product("KIT-902", "Sneaky Pan", 100))
                    .assertProblem(401);
        }
        assertThat(jdbc.sql("select count(*) from product where sku = 'KIT-902'").query(Long.class).single()).isZero();
    }

    @Test
    void badProductsNameTheirFieldsAndLeaveNothingBehind() {
        long before = productCount();
        Map<String, Object> negative = product("KIT-903", "Pan", -1);
        admin.post("/api/catalog/products", negative).assertBadField("priceCents");
        Map<String, Object> lowerCaseCurrency = product("KIT-903", "Pan", 100);
        lowerCaseCurrency.put("currency", "usd");
        admin.post("/api/catalog/products", lowerCaseCurrency).assertBadField("currency");
        Map<String, Object> unknownCategory = product("KIT-903", "Pan", 100);
        unknownCategory.put("category", "spaceships");
        admin.post("/api/catalog/products", unknownCategory).assertBadField("category");
        Map<String, Object> noWeight = product("KIT-903", "Pan", 100);
        noWeight.remove("weightGrams");
        admin.post("/api/catalog/products", noWeight).assertBadField("weightGrams");
        admin.post("/api/catalog/products", "{\"sku\": \"KIT-903\",").assertProblem(400);
        admin.post("/api/catalog/products", product("kit 903", "Pan", 100)).assertBadField("sku");
        assertThat(productCount()).isEqualTo(before);
    }

    @Test
    void takenSkuIsAConflictAndSkuCannotChange() {
        String existingSku = jdbc.sql("select sku from product order by id limit 1").query(String.class).single();
        admin.post("/api/catalog/products", product(existingSku, "Twin", 100)).assertProblem(409);

        long id = admin.post("/api/catalog/products", product("KIT-904", "Enamel Pot", 3900)).json().get("id").asLong();
        admin.put("/api/catalog/products/" + id, product("KIT-905", "Enamel Pot", 3900)).assertBadField("sku");
        admin.put("/api/catalog/products/987654", product("KIT-904", "Enamel Pot", 3900)).assertProblem(404);
    }

    @Test
    void productWithoutImageGetsThePlaceholder() {
        JsonNode created = admin.post("/api/catalog/products", product("KIT-906", "Plain Pot", 100)).json();
        assertThat(created.get("imageUrl").asString()).isEqualTo("/api/catalog/images/placeholder.svg");
        assertThat(anonymous.get(created.get("imageUrl").asString()).status()).isEqualTo(200);
    }

    private long productCount() {
        return jdbc.sql("select count(*) from product").query(Long.class).single();
    }

    private static Map<String, Object> product(String sku, String name, long priceCents) {
        Map<String, Object> product = new HashMap<>();
        product.put("sku", sku);
        product.put("name", name);
        product.put("description", "Made for the catalog admin test.");
        product.put("priceCents", priceCents);
        product.put("currency", "USD");
        product.put("category", "kitchen");
        product.put("weightGrams", 1200);
        return product;
    }
}
