package shop.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import shop.testing.ApiClient;
import shop.testing.Eventually;
import tools.jackson.databind.JsonNode;

/**
 * Who may call what: every HTTP endpoint of every service, as nobody, as shopper A (who owns an
 * order), as shopper B and as the admin, through the gateway and straight to the service, which
 * must hold the line by itself. Each cell is the status that caller must get. A body that is
 * invalid on purpose shows an allowed caller got past authorisation (400) without changing
 * anything; {@code SKIP} marks a cell that would change what the other cells read.
 */
class AuthorizationMatrixTest {

    private static final int SKIP = -1;
    private static final String INVALID = "{}";
    private static final Map<String, Object> ADDRESS = Map.of("line1", "1 Main St", "city", "Springfield",
            "postalCode", "12345", "country", "US");

    /** One endpoint; {@code service} answers it directly, and only there when {@code gatewayRoutes} is false. */
    record Row(String method, String path, String body, String service, boolean gatewayRoutes,
               int anonymous, int shopperA, int shopperB, int admin) {
    }

    private static final List<Row> ROWS = List.of(
            // method, path, body, the service that answers it, routed by the gateway; anonymous, A, B, admin
            new Row("GET", "/api/catalog/products", null, "catalog", true, 200, 200, 200, 200),
            new Row("GET", "/api/catalog/products/{product}", null, "catalog", true, 200, 200, 200, 200),
            new Row("GET", "/api/catalog/categories", null, "catalog", true, 200, 200, 200, 200),
            new Row("POST", "/api/catalog/products", INVALID, "catalog", true, 401, 403, 403, 400),
            new Row("PUT", "/api/catalog/products/{product}", INVALID, "catalog", true, 401, 403, 403, 400),
            new Row("DELETE", "/api/catalog/products/999999999", null, "catalog", true, 401, 403, 403, 404),
            new Row("GET", "/api/inventory/stock/{sku}", null, "inventory", true, 200, 200, 200, 200),
            new Row("PUT", "/api/inventory/stock/{sku}", "{\"available\":-1}", "inventory", true, 401, 403, 403, 400),
            new Row("POST", "/api/profiles/register", INVALID, "profiles", true, 400, 400, 400, 400),
            new Row("POST", "/api/profiles/login", INVALID, "profiles", true, 400, 400, 400, 400),
            new Row("GET", "/api/profiles/me", null, "profiles", true, 401, 200, 200, 200),
            new Row("PUT", "/api/profiles/me", INVALID, "profiles", true, 401, 400, 400, 400),
            new Row("GET", "/api/profiles/me/cart", null, "profiles", true, 401, 200, 200, 200),
            new Row("PUT", "/api/profiles/me/cart/items/{product}", "{\"quantity\":0}", "profiles", true, 401, 200, 200, 200),
            new Row("DELETE", "/api/profiles/me/cart", null, "profiles", true, 401, 204, 204, 204),
            new Row("GET", "/.well-known/jwks.json", null, "profiles", false, 200, 200, 200, 200),
            new Row("POST", "/api/shipping/quotes", INVALID, "shipping", true, 400, 400, 400, 400),
            new Row("GET", "/api/shipping/shipments?orderId={order}", null, "shipping", true, 401, 200, 404, 404),
            new Row("GET", "/api/billing/orders", null, "billing", true, 401, 200, 200, 200),
            new Row("GET", "/api/billing/orders/{order}", null, "billing", true, 401, 200, 404, 404),
            new Row("GET", "/api/billing/invoices/{invoice}", null, "billing", true, 401, 200, 404, 404),
            new Row("POST", "/api/billing/orders", INVALID, "billing", true, 401, 400, 400, 400),
            new Row("POST", "/api/billing/orders/{order}/cancel", null, "billing", true, 401, SKIP, 404, 404),
            new Row("GET", "/api/recommendations?productId={product}", null, "recommendations", true, 200, 200, 200, 200),
            // The dead letters of each service that consumes events; billing consumes none and has no such endpoint.
            new Row("GET", "/actuator/deadletters", null, "inventory", false, 401, 403, 403, 200),
            new Row("GET", "/actuator/deadletters", null, "shipping", false, 401, 403, 403, 200),
            new Row("GET", "/actuator/deadletters", null, "profiles", false, 401, 403, 403, 200),
            new Row("GET", "/actuator/deadletters", null, "recommendations", false, 401, 403, 403, 200),
            new Row("GET", "/actuator/deadletters", null, "billing", false, 401, 403, 403, 403));

    private static final LocalStack STACK = LocalStack.shared();
    private static final ApiClient GATEWAY = new ApiClient(STACK.gatewayUrl());
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The caller's token by column; null for anonymous. */
    private static final Map<String, String> CALLERS = new LinkedHashMap<>();
    private static final Map<String, String> VALUES = new LinkedHashMap<>();

    @BeforeAll
    static void shopperAOwnsAnOrderWithAnInvoiceAndAShipment() {
        String admin = login(LocalStack.ADMIN_EMAIL, LocalStack.ADMIN_PASSWORD);
        JsonNode product = GATEWAY.get("/api/catalog/products?size=1&q=kettle").json().get("items").get(0);
        String sku = product.get("sku").asString();
        GATEWAY.withToken(admin).put("/api/inventory/stock/" + sku, Map.of("available", 1000));
        String shopperA = signUp();
        ApiClient a = GATEWAY.withToken(shopperA);
        assertThat(a.put("/api/profiles/me/cart/items/" + product.get("id").asLong(), Map.of("quantity", 1)).status()).isEqualTo(200);
        ApiClient.Response order = a.withHeader("Idempotency-Key", UUID.randomUUID().toString()).post("/api/billing/orders",
                Map.of("shippingAddress", ADDRESS, "payment",
                        Map.of("cardNumber", "4242424242424242", "expMonth", 12, "expYear", 2099, "cvc", "123")));
        assertThat(order.status()).as(order.body()).isEqualTo(201);
        String orderId = order.json().get("orderId").asString();
        Eventually.await(() -> a.get("/api/shipping/shipments?orderId=" + orderId).status() == 200);

        CALLERS.put("anonymous", null);
        CALLERS.put("shopper A", shopperA);
        CALLERS.put("shopper B", signUp());
        CALLERS.put("admin", admin);
        VALUES.putAll(Map.of("{product}", String.valueOf(product.get("id").asLong()), "{sku}", sku,
                "{order}", orderId, "{invoice}", order.json().get("invoiceId").asString()));
    }

    @Test
    void everyCallerGetsExactlyWhatTheMatrixSaysThroughTheGateway() throws Exception {
        assertThat(mismatches(true)).isEmpty();
    }

    @Test
    void everyServiceHoldsTheSameLineWhenCalledDirectly() throws Exception {
        assertThat(mismatches(false)).isEmpty();
    }

    /** Each cell whose status differs from the table's, as "caller METHOD path: expected X, got Y (body)". */
    private static List<String> mismatches(boolean throughGateway) throws Exception {
        List<String> wrong = new ArrayList<>();
        for (Row row : ROWS) {
            if (throughGateway && !row.gatewayRoutes()) {
                continue;
            }
            String base = throughGateway ? STACK.gatewayUrl() : STACK.service(row.service()).url();
            String path = row.path();
            for (Map.Entry<String, String> value : VALUES.entrySet()) {
                path = path.replace(value.getKey(), value.getValue());
            }
            int[] expected = {row.anonymous(), row.shopperA(), row.shopperB(), row.admin()};
            int column = 0;
            for (Map.Entry<String, String> caller : CALLERS.entrySet()) {
                int want = expected[column++];
                if (want == SKIP) {
                    continue;
                }
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                        .method(row.method(), row.body() == null ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(row.body()))
                        .header("Content-Type", "application/json");
                if (caller.getValue() != null) {
                    request.header("Authorization", "Bearer " + caller.getValue());
                }
                HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != want) {
                    wrong.add(caller.getKey() + " " + row.method() + " " + row.service() + path + ": expected " + want
                            + ", got " + response.statusCode() + " " + abbreviate(response.body()));
                }
            }
        }
        return wrong;
    }

    private static String abbreviate(String body) {
        return body.length() > 200 ? body.substring(0, 200) + "..." : body;
    }

    private static String signUp() {
        String email = "matrix-" + UUID.randomUUID() + "@example.com";
        assertThat(GATEWAY.post("/api/profiles/register", Map.of("email", email, "password", "a password", "name", "M"))
                .status()).isEqualTo(201);
        return login(email, "a password");
    }

    private static String login(String email, String password) {
        ApiClient.Response login = GATEWAY.post("/api/profiles/login", Map.of("email", email, "password", password));
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        return login.json().get("token").asString();
    }
}
