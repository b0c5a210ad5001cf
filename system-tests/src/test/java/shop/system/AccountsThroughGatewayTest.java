package shop.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import shop.testing.ApiClient;
import tools.jackson.databind.JsonNode;

/** Real profiles issuing real tokens, checked by the gateway and by the catalog through Eureka. */
class AccountsThroughGatewayTest {

    private final LocalStack stack = LocalStack.shared();
    private final ApiClient gateway = new ApiClient(stack.gatewayUrl());

    @Test
    void shopperRegistersLogsInAndReadsTheirProfileThroughTheGateway() {
        ApiClient.Response registered = gateway.post("/api/profiles/register",
                Map.of("email", "journey@example.com", "password", "journey password", "name", "Jo"));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        ApiClient me = gateway.withToken(login("journey@example.com", "journey password"));
        assertThat(me.get("/api/profiles/me").json().get("email").asString()).isEqualTo("journey@example.com");
    }

    @Test
    void gatewayRefusesAForgedTokenEvenForAPublicRead() {
        String token = login(LocalStack.ADMIN_EMAIL, LocalStack.ADMIN_PASSWORD);
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + "c2lnbmF0dXJl";
        gateway.withToken(forged).get("/api/catalog/products").assertProblem(401);
        assertThat(gateway.get("/api/catalog/products").status()).isEqualTo(200);
    }

    @Test
    void onlyTheAdminChangesTheCatalog() {
        gateway.post("/api/profiles/register",
                Map.of("email", "buyer@example.com", "password", "buyer password", "name", "Bea"));
        ApiClient shopper = gateway.withToken(login("buyer@example.com", "buyer password"));
        ApiClient admin = gateway.withToken(login(LocalStack.ADMIN_EMAIL, LocalStack.ADMIN_PASSWORD));

        shopper.post("/api/catalog/products", product("SYS-001")).assertProblem(403);
        gateway.post("/api/catalog/products", product("SYS-001")).assertProblem(401);
        ApiClient.Response created = admin.post("/api/catalog/products", product("SYS-001"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(gateway.get("/api/catalog/products/" + created.json().get("id").asLong()).json()
                .get("sku").asString()).isEqualTo("SYS-001");
    }

    @Test
    void cartIsPricedByTheRealCatalogOverGrpcThroughEureka() {
        gateway.post("/api/profiles/register",
                Map.of("email", "cart@example.com", "password", "cart password", "name", "Cy"));
        ApiClient shopper = gateway.withToken(login("cart@example.com", "cart password"));
        long espresso = gateway.get("/api/catalog/products?q=espresso+machine&size=1").json()
                .get("items").get(0).get("id").asLong();

        ApiClient.Response put = shopper.put("/api/profiles/me/cart/items/" + espresso, Map.of("quantity", 2));
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        JsonNode cart = shopper.get("/api/profiles/me/cart").json();
        assertThat(cart.get("items").get(0).get("name").asString()).isEqualTo("Espresso Machine");
        assertThat(cart.get("totalCents").asLong()).isEqualTo(2 * 24900);
    }

    private String login(String email, String password) {
        ApiClient.Response login = gateway.post("/api/profiles/login", Map.of("email", email, "password", password));
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        return login.json().get("token").asString();
    }

    private static Map<String, Object> product(String sku) {
        Map<String, Object> product = new HashMap<>();
        product.put("sku", sku);
        product.put("name", "System Test Kettle");
        product.put("priceCents", 1999);
        product.put("currency", "USD");
        product.put("category", "kitchen");
        product.put("weightGrams", 900);
        return product;
    }
}
