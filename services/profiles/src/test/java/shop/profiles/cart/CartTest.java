package shop.profiles.cart;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;
import org.springframework.beans.factory.annotation.Autowired;
import shop.catalog.v1.Product;
import shop.profiles.v1.Cart;
import shop.profiles.v1.CartItem;
import shop.profiles.v1.ClearCartRequest;
import shop.profiles.v1.GetCartRequest;
import shop.profiles.v1.ProfilesServiceGrpc;
import shop.testing.ApiClient;
import shop.testing.CatalogOnLoopback;
import shop.testing.Eventually;
import shop.testing.FreshBroker;
import shop.testing.FreshDatabase;
import shop.testing.TestIdentities;
import tools.jackson.databind.JsonNode;

/** The cart over REST for its shopper and over gRPC for billing, priced by the catalog. */
@FreshDatabase
@FreshBroker
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"shop.grpc.client.deadline=3s", "shop.grpc.client.discovery-refresh=1s"})
class CartTest {

    static final CatalogOnLoopback catalog = new CatalogOnLoopback(List.of(
            product(1, "KIT-001", "Espresso Machine", 24900),
            product(2, "KIT-002", "Chef's Knife", 8900),
            product(3, "KIT-003", "Bamboo Board", 2500)));

    @DynamicPropertySource
    static void discovery(DynamicPropertyRegistry registry) {
        catalog.register(registry);
    }

    private static Product product(long id, String sku, String name, long priceCents) {
        return Product.newBuilder().setId(id).setSku(sku).setName(name).setPriceCents(priceCents)
                .setCurrency("USD").setCategory("kitchen").build();
    }

    @AfterAll
    static void stopCatalog() throws InterruptedException {
        catalog.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    GrpcServerLifecycle grpcServer;

    ApiClient anonymous;
    ApiClient ann;
    String annId;

    @BeforeEach
    void signIn() {
        anonymous = new ApiClient("http://127.0.0.1:" + port);
        String email = "shopper-" + UUID.randomUUID() + "@example.com";
        annId = anonymous.post("/api/profiles/register", Map.of("email", email, "password", "a password", "name", "Ann"))
                .json().get("id").asString();
        ann = anonymous.withToken(anonymous.post("/api/profiles/login", Map.of("email", email, "password", "a password"))
                .json().get("token").asString());
    }

    @Test
    void emptyCartCostsNothing() {
        JsonNode cart = ann.get("/api/profiles/me/cart").json();
        assertThat(cart.get("items")).isEmpty();
        assertThat(cart.get("totalCents").asLong()).isZero();
        assertThat(cart.get("currency").asString()).isEqualTo("USD");
    }

    @Test
    void linesArePricedByTheCatalogAndQuantityZeroRemoves() {
        ann.put("/api/profiles/me/cart/items/1", Map.of("quantity", 2));
        ann.put("/api/profiles/me/cart/items/2", Map.of("quantity", 1));
        JsonNode cart = ann.get("/api/profiles/me/cart").json();
        assertThat(cart.get("items")).hasSize(2);
        JsonNode first = cart.get("items").get(0);
        assertThat(first.get("sku").asString()).isEqualTo("KIT-001");
        assertThat(first.get("name").asString()).isEqualTo("Espresso Machine");
        assertThat(first.get("quantity").asInt()).isEqualTo(2);
        assertThat(first.get("priceCents").asLong()).isEqualTo(24900);
        assertThat(cart.get("totalCents").asLong()).isEqualTo(2 * 24900 + 8900);

        ann.put("/api/profiles/me/cart/items/1", Map.of("quantity", 5));
        ann.put("/api/profiles/me/cart/items/2", Map.of("quantity", 0));
        cart = ann.get("/api/profiles/me/cart").json();
        assertThat(cart.get("items")).hasSize(1);
        assertThat(cart.get("totalCents").asLong()).isEqualTo(5 * 24900);

        assertThat(ann.delete("/api/profiles/me/cart").status()).isEqualTo(204);
        assertThat(ann.get("/api/profiles/me/cart").json().get("items")).isEmpty();
    }

    @Test
    void badQuantitiesAndUnknownProductsAreRefused() {
        ann.put("/api/profiles/me/cart/items/1", Map.of("quantity", -1)).assertBadField("quantity");
        ann.put("/api/profiles/me/cart/items/1", Map.of("quantity", 100)).assertBadField("quantity");
        ann.put("/api/profiles/me/cart/items/1", Map.of("quantity", "many")).assertProblem(400);
        ann.put("/api/profiles/me/cart/items/1", Map.of()).assertBadField("quantity");
        ann.put("/api/profiles/me/cart/items/abc", Map.of("quantity", 1)).assertBadField("productId");
        ann.put("/api/profiles/me/cart/items/999", Map.of("quantity", 1)).assertProblem(404);
        assertThat(ann.get("/api/profiles/me/cart").json().get("items")).isEmpty();
    }

    @Test
    void aShopperSeesOnlyTheirOwnCartAndStrangersNone() {
        ann.put("/api/profiles/me/cart/items/3", Map.of("quantity", 1));
        String email = "other-" + UUID.randomUUID() + "@example.com";
        anonymous.post("/api/profiles/register", Map.of("email", email, "password", "b password", "name", "Bo"));
        ApiClient bo = anonymous.withToken(anonymous.post("/api/profiles/login",
                Map.of("email", email, "password", "b password")).json().get("token").asString());
        assertThat(bo.get("/api/profiles/me/cart").json().get("items")).isEmpty();
        anonymous.get("/api/profiles/me/cart").assertProblem(401);
        anonymous.put("/api/profiles/me/cart/items/3", Map.of("quantity", 1)).assertProblem(401);
    }

    @Test
    void productsTheCatalogStoppedSellingLeaveTheCart() {
        catalog.sells(product(4, "KIT-004", "Discontinued Pot", 1000));
        ann.put("/api/profiles/me/cart/items/4", Map.of("quantity", 1));
        ann.put("/api/profiles/me/cart/items/3", Map.of("quantity", 1));
        catalog.stopsSelling(4);
        JsonNode cart = ann.get("/api/profiles/me/cart").json();
        assertThat(cart.get("items")).hasSize(1);
        assertThat(cart.get("items").get(0).get("productId").asLong()).isEqualTo(3);
    }

    @Test
    void catalogDownIsA503WithinTheDeadlineUntilItIsBack() throws InterruptedException {
        ann.put("/api/profiles/me/cart/items/3", Map.of("quantity", 1));
        catalog.goDown();
        try {
            Instant start = Instant.now();
            ann.get("/api/profiles/me/cart").assertProblem(503);
            assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(5));
        } finally {
            catalog.comeBack();
        }
        // The channel reconnects on gRPC's backoff schedule, a second or a few after the catalog is back;
        // the next test's first call must not land inside that window.
        Eventually.await(() -> ann.get("/api/profiles/me/cart").status() == 200);
    }

    @Test
    void billingReadsAndClearsTheCartOverGrpc() throws InterruptedException {
        ann.put("/api/profiles/me/cart/items/1", Map.of("quantity", 2));
        ManagedChannel channel = TestIdentities.channel(TestIdentities.client("billing"), "profiles", grpcServer.getPort());
        try {
            ProfilesServiceGrpc.ProfilesServiceBlockingStub profiles = ProfilesServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(5, TimeUnit.SECONDS);
            Cart cart = profiles.getCart(GetCartRequest.newBuilder().setUserId(annId).build());
            assertThat(cart.getItemsList()).singleElement().satisfies(item -> {
                assertThat(item.getProductId()).isEqualTo(1);
                assertThat(item.getQuantity()).isEqualTo(2);
            });
            profiles.clearCart(ClearCartRequest.newBuilder().setUserId(annId).build());
            profiles.clearCart(ClearCartRequest.newBuilder().setUserId(annId).build());
            assertThat(profiles.getCart(GetCartRequest.newBuilder().setUserId(annId).build()).getItemsList()).isEmpty();
            assertInvalid(() -> profiles.getCart(GetCartRequest.newBuilder().setUserId("not-a-uuid").build()), "user_id");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyChangeRaisesTheVersionAndAnOrderTakesOutOnlyWhatItBoughtOnce() throws InterruptedException {
        long empty = ann.get("/api/profiles/me/cart").json().get("version").asLong();
        long one = ann.put("/api/profiles/me/cart/items/1", Map.of("quantity", 2)).json().get("version").asLong();
        long two = ann.put("/api/profiles/me/cart/items/2", Map.of("quantity", 1)).json().get("version").asLong();
        assertThat(one).isGreaterThan(empty);
        assertThat(two).isGreaterThan(one);
        ManagedChannel channel = TestIdentities.channel(TestIdentities.client("billing"), "profiles", grpcServer.getPort());
        try {
            ProfilesServiceGrpc.ProfilesServiceBlockingStub profiles = ProfilesServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(5, TimeUnit.SECONDS);
            GetCartRequest read = GetCartRequest.newBuilder().setUserId(annId).build();
            assertThat(profiles.getCart(read).getVersion()).isEqualTo(two);

            // The order bought 2 × product 1 and 1 × product 2; meanwhile the shopper raised product 2 to 3
            // and added product 3. Billing's retry of the same order takes nothing more out.
            ann.put("/api/profiles/me/cart/items/2", Map.of("quantity", 3));
            ann.put("/api/profiles/me/cart/items/3", Map.of("quantity", 1));
            ClearCartRequest bought = ClearCartRequest.newBuilder().setUserId(annId)
                    .setOrderId(UUID.randomUUID().toString())
                    .addBought(CartItem.newBuilder().setProductId(1).setQuantity(2))
                    .addBought(CartItem.newBuilder().setProductId(2).setQuantity(1))
                    .build();
            profiles.clearCart(bought);
            profiles.clearCart(bought);
            JsonNode left = ann.get("/api/profiles/me/cart").json();
            assertThat(left.get("items").valueStream().map(item -> item.get("productId").asLong() + "x"
                    + item.get("quantity").asInt())).containsExactly("2x2", "3x1");
            assertThat(left.get("version").asLong()).isGreaterThan(two);

            assertInvalid(() -> profiles.clearCart(bought.toBuilder().setOrderId("not-a-uuid").build()), "order_id");
            assertInvalid(() -> profiles.clearCart(bought.toBuilder().setOrderId(UUID.randomUUID().toString())
                    .setBought(0, CartItem.newBuilder().setProductId(3).setQuantity(-5)).build()), "bought.quantity");
            assertThat(ann.get("/api/profiles/me/cart").json().get("items")).hasSize(2);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static void assertInvalid(Runnable call, String field) {
        try {
            call.run();
            throw new AssertionError("expected INVALID_ARGUMENT naming " + field);
        } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).startsWith(field + ":");
        }
    }
}
