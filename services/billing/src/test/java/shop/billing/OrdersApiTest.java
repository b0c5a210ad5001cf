package shop.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import shop.billing.order.Address;
import shop.billing.order.OrderStore;
import shop.testing.ApiClient;
import shop.testing.Eventually;
import shop.testing.FreshBroker;
import shop.testing.FreshDatabase;
import shop.testing.OpenApiContract;
import shop.testing.TestTokens;
import shop.testing.TrustsTestTokens;
import tools.jackson.databind.JsonNode;

/**
 * Billing's own API against a real PostgreSQL, with no other service running: what it refuses
 * before any saga step, what a shopper may read, and what a checkout does when the services it
 * needs are down. The saga with every service running is in system-tests (CheckoutTest).
 */
@FreshDatabase
@FreshBroker
@TrustsTestTokens
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "shop.grpc.client.deadline=3s"})
class OrdersApiTest {
    static final Map<String, Object> ADDRESS = Map.of("line1", "1 Main St", "city", "Springfield",
            "postalCode", "12345", "country", "US");
    static final Map<String, Object> CARD = Map.of("cardNumber", "4242 4242 4242 4242", "expMonth", 12,
            "expYear", 2099, "cvc", "123");

    @Autowired
    TestTokens tokens;

    @LocalServerPort
    int port;

    @Autowired
    OrderStore orders;

    @Autowired
    JdbcClient jdbc;

    ApiClient anonymous;
    UUID annId = UUID.randomUUID();
    ApiClient ann;
    ApiClient bob;

    @BeforeEach
    void connect() {
        anonymous = new ApiClient("http://127.0.0.1:" + port);
        ann = anonymous.withToken(tokens.token(annId));
        bob = anonymous.withToken(tokens.token(UUID.randomUUID()));
    }

    @Test
    void anonymousShoppersCannotCheckOutNorReadOrders() {
        anonymous.withHeader("Idempotency-Key", key()).post("/api/billing/orders", checkout(ADDRESS, CARD))
                .assertProblem(401);
        anonymous.get("/api/billing/orders").assertProblem(401);
    }

    @Test
    void checkoutNeedsAnIdempotencyKey() {
        ann.post("/api/billing/orders", checkout(ADDRESS, CARD)).assertBadField("Idempotency-Key");
        assertThat(ordersStartedBy(annId)).isZero();
    }

    @Test
    void badAddressAndCardFieldsAreNamedAndNothingIsStarted() {
        ApiClient keyed = ann.withHeader("Idempotency-Key", key());
        keyed.post("/api/billing/orders", checkout(Map.of("line1", "1 Main St", "city", "Springfield",
                "postalCode", "12345", "country", "Narnia"), CARD)).assertBadField("shippingAddress.country");
        keyed.post("/api/billing/orders", checkout(Map.of("city", "Springfield", "postalCode", "1", "country", "US"),
                CARD)).assertBadField("shippingAddress.line1");
        keyed.post("/api/billing/orders", checkout(ADDRESS, Map.of("cardNumber", "4242", "expMonth", 12,
                "expYear", 2099, "cvc", "123"))).assertBadField("payment.cardNumber");
        keyed.post("/api/billing/orders", checkout(ADDRESS, Map.of("cardNumber", "4242424242424242", "expMonth", 13,
                "expYear", 2099, "cvc", "123"))).assertBadField("payment.expMonth");
        keyed.post("/api/billing/orders", checkout(ADDRESS, Map.of("cardNumber", "4242424242424242", "expMonth", 1,
                "expYear", 2099, "cvc", "12a"))).assertBadField("payment.cvc");
        keyed.post("/api/billing/orders", Map.of("shippingAddress", ADDRESS, "payment", CARD, "cartVersion", -1))
                .assertBadField("cartVersion");
        keyed.post("/api/billing/orders", Map.of("shippingAddress", ADDRESS)).assertBadField("payment");
        keyed.post("/api/billing/orders", "{not json").assertProblem(400);
        assertThat(ordersStartedBy(annId)).isZero();
    }

    @Test
    void whenTheServicesItNeedsAreDownCheckoutFailsCleanlyWithinItsDeadlines() {
        long started = System.nanoTime();
        ApiClient.Response refused = ann.withHeader("Idempotency-Key", key())
                .post("/api/billing/orders", checkout(ADDRESS, CARD));
        refused.assertProblem(503);
        assertThat(refused.json().get("detail").asString()).contains("profiles");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        // Nothing was started, so nothing stands in the way of the same key once profiles is back.
        assertThat(ann.get("/api/billing/orders").json()).isEmpty();
    }

    @Test
    void aShopperReadsHerOwnOrderAndInvoiceAndNobodyElseCan() {
        UUID orderId = placedOrder(annId);
        JsonNode order = ann.get("/api/billing/orders/" + orderId).json();
        assertThat(order.get("status").asString()).isEqualTo("PENDING");
        assertThat(order.get("totalCents").asLong()).isEqualTo(2 * 1250 + 499);
        assertThat(order.get("lines").get(0).get("lineCents").asLong()).isEqualTo(2500);
        assertThat(order.get("card").get("last4").asString()).isEqualTo("4242");
        String invoiceId = order.get("invoiceId").asString();
        assertThat(order.get("invoiceNumber").asString()).matches("INV-\\d{4}-\\d{6}");

        List<JsonNode> history = ann.get("/api/billing/orders").json().valueStream().toList();
        assertThat(history).extracting(entry -> entry.get("orderId").asString()).containsExactly(orderId.toString());

        JsonNode invoice = ann.get("/api/billing/invoices/" + invoiceId).json();
        assertThat(invoice.get("orderId").asString()).isEqualTo(orderId.toString());
        assertThat(invoice.get("billingAddress").get("city").asString()).isEqualTo("Springfield <Upper>");

        ApiClient.Response printable = ann.withHeader("Accept", "text/html").get("/api/billing/invoices/" + invoiceId);
        assertThat(printable.status()).isEqualTo(200);
        assertThat(printable.contentType()).startsWith("text/html");
        assertThat(printable.body()).contains("<!doctype html>", order.get("invoiceNumber").asString(),
                "Springfield &lt;Upper&gt;", "USD 29.99").doesNotContain("<Upper>");

        bob.get("/api/billing/orders/" + orderId).assertProblem(404);
        bob.get("/api/billing/invoices/" + invoiceId).assertProblem(404);
        bob.withHeader("Accept", "text/html").get("/api/billing/invoices/" + invoiceId).assertProblem(404);
        assertThat(bob.get("/api/billing/orders").json()).isEmpty();
        ann.get("/api/billing/orders/not-a-uuid").assertBadField("id");
    }

    @Test
    void onlyTheOwnerCancelsAConfirmedOrderAndWhileShippingIsDownTheRequestIsKeptNotApplied() {
        UUID pending = placedOrder(annId);
        ann.post("/api/billing/orders/" + pending + "/cancel", Map.of()).assertProblem(409);

        UUID confirmed = placedOrder(annId);
        orders.confirmed(confirmed);
        bob.post("/api/billing/orders/" + confirmed + "/cancel", Map.of()).assertProblem(404);
        anonymous.post("/api/billing/orders/" + confirmed + "/cancel", Map.of()).assertProblem(401);
        ann.post("/api/billing/orders/not-a-uuid/cancel", Map.of()).assertBadField("id");
        ApiClient.Response shippingDown = ann.post("/api/billing/orders/" + confirmed + "/cancel", Map.of());
        shippingDown.assertProblem(503);
        assertThat(shippingDown.json().get("detail").asString()).contains("shipping", "not cancelled yet", "keep");
        assertThat(ann.get("/api/billing/orders/" + confirmed).json().get("status").asString()).isEqualTo("CONFIRMED");
        assertThat(stepAndEpoch(confirmed)).isEqualTo("CANCELLING 1");
        // Asked again: this request takes the cancellation over, and any earlier one is fenced off.
        ann.post("/api/billing/orders/" + confirmed + "/cancel", Map.of()).assertProblem(503);
        assertThat(stepAndEpoch(confirmed)).isEqualTo("CANCELLING 2");
        assertThat(jdbc.sql("select count(*) from outbox where type = 'order.cancelled'").query(Integer.class).single())
                .isZero();
    }

    @Test
    void aCheckoutThatStalledPastItsLeaseCannotPlaceItsOrderOnceRecoveryTookItOver() {
        UUID stalled = UUID.randomUUID();
        orders.start(stalled, UUID.randomUUID(), key(), "digest", 1,
                new Address("1 Main St", null, "Springfield", "12345", "US"), Duration.ofMillis(1));
        Eventually.await(() -> !stepAndEpoch(stalled).endsWith(" 0"));
        assertThat(orders.place(stalled, OrderStore.FIRST_EPOCH, 499, "Parcel Post", UUID.randomUUID(), "visa", "4242",
                Duration.ofMinutes(1))).isFalse();
        assertThat(stepAndEpoch(stalled)).startsWith("NEW ");
    }

    private String stepAndEpoch(UUID orderId) {
        return jdbc.sql("select step || ' ' || lease_epoch from customer_order where id = ?").param(orderId)
                .query(String.class).single();
    }

    private UUID placedOrder(UUID owner) {
        return PlacedOrders.placed(orders, owner, new Address("1 Main St", null, "Springfield <Upper>", "12345", "US"));
    }

    private long ordersStartedBy(UUID userId) {
        return jdbc.sql("select count(*) from customer_order where user_id = ?").param(userId).query(Long.class).single();
    }

    private static Map<String, Object> checkout(Map<String, Object> address, Map<String, Object> card) {
        return Map.of("shippingAddress", address, "payment", card);
    }

    private static String key() {
        return UUID.randomUUID().toString();
    }

    @Test
    void thePublicApiKeepsItsReleasedContract() {
        OpenApiContract.assertKeepsItsRelease("billing", anonymous);
    }
}
