package shop.engine.fig;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import shop.engine.TestEngines;
import shop.engine.support.Json;

/**
 * The real shop from the repository's fig.yml, through the fig CLI on an engine it starts itself
 * (its own state under target/, its images built from Debian packages and the services' jars,
 * which the reactor packages before this module's tests): up, a shopper's purchase through the
 * gateway, scale, a deploy under load with no failed request, and down -v leaving nothing.
 * Uses the stack's fixed host ports (8080, 8761, 5000), so nothing else may hold them.
 */
@Tag("root")
class ShopStackTest {

    static final Path STATE = Path.of("target/shop-stack").toAbsolutePath();
    static final Path FIG_YML = Path.of("../fig.yml").toAbsolutePath().normalize();
    static final String PROJECT = "shoptest";
    static final String GATEWAY = "http://127.0.0.1:8080";
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static FigRun fig(String... args) {
        return FigRun.of(List.of("--root", STATE.toString(), "fig", "-f", FIG_YML.toString(), "-p", PROJECT), args);
    }

    @AfterAll
    static void takeDownAndStopTheEngine() throws Exception {
        fig("down", "-v");
        Path pid = STATE.resolve("engine.pid");
        if (Files.exists(pid)) {
            ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).ifPresent(engine -> {
                engine.destroy();
                engine.onExit().join();
            });
        }
    }

    @Test
    void theShopComesUpSellsScalesDeploysWithoutAFailedRequestAndGoesAway() throws Exception {
        for (String module : List.of("discovery", "gateway", "services/catalog", "services/inventory", "services/shipping",
                "services/payment", "services/billing", "services/recommendations", "services/profiles")) {
            Path jar = FIG_YML.getParent().resolve(module).resolve("target").resolve(Path.of(module).getFileName() + ".jar");
            assertThat(jar).as("package the services first (./mvnw package -DskipTests)").exists();
        }

        FigRun up = fig("up", "-d");
        assertThat(up.exit()).as(up.out()).isZero();
        assertThat(up.out()).contains("gateway is up: http://localhost:8080");

        JsonNode products = get("/api/catalog/products?size=5", null);
        assertThat(products.path("items")).isNotEmpty();
        buyAsANewShopper(products.path("items").get(0).path("id").asLong());

        FigRun scaled = fig("scale", "catalog=2");
        assertThat(scaled.exit()).as(scaled.out()).isZero();
        for (int replica : List.of(1, 2)) {
            awaitTrue(() -> fig("exec", "--index", String.valueOf(replica), "catalog", "bash", "-c",
                    "exec 3<>/dev/tcp/127.0.0.1/8081 && printf 'GET /api/catalog/products?size=1 HTTP/1.0\\r\\n\\r\\n' >&3"
                            + " && head -1 <&3").out().contains(" 200"), "catalog replica " + replica + " serves");
        }

        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicInteger served = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Thread load = new Thread(() -> {
            while (loading.get()) {
                try {
                    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(GATEWAY + "/api/catalog/products?size=1"))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
                    (r.statusCode() == 200 ? served : failed).incrementAndGet();
                } catch (IOException e) {
                    failed.incrementAndGet();
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        load.start();
        FigRun deploy = fig("deploy", "catalog");
        loading.set(false);
        load.join();
        assertThat(deploy.exit()).as(deploy.out()).isZero();
        assertThat(deploy.out()).contains("Deployed catalog");
        assertThat(failed.get()).as("requests failed during the deploy (of %d)", served.get()).isZero();
        assertThat(served.get()).isPositive();
        assertThat(fig("ps").out()).contains(PROJECT + "_catalog_3").doesNotContain(PROJECT + "_catalog_1 ");

        FigRun down = fig("down", "-v");
        assertThat(down.exit()).as(down.out()).isZero();
        assertThat(fig("ps").out().strip().lines()).as("only the header is left").hasSize(1);
        assertThat(TestEngines.leftoverNamespacesOf(STATE)).isEmpty();
    }

    private void buyAsANewShopper(long productId) throws Exception {
        String email = "fig-" + UUID.randomUUID() + "@shop.test";
        post("/api/profiles/register", null, "{\"email\":\"" + email + "\",\"password\":\"correct horse\",\"name\":\"Fig Shopper\"}", 201);
        String token = post("/api/profiles/login", null, "{\"email\":\"" + email + "\",\"password\":\"correct horse\"}", 200)
                .path("token").asText();
        send(HttpRequest.newBuilder(URI.create(GATEWAY + "/api/profiles/me/cart/items/" + productId))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"quantity\":1}")), 200);
        JsonNode order = post("/api/billing/orders", token, """
                {"shippingAddress": {"line1": "1 Container Way", "city": "Berlin", "postalCode": "10115", "country": "DE"},
                 "payment": {"cardNumber": "4242424242424242", "expMonth": 12, "expYear": 2031, "cvc": "123"}}""", 201);
        assertThat(order.path("totalCents").asLong()).isPositive();
        assertThat(get("/api/billing/orders/" + order.path("orderId").asText(), token).path("orderId").asText())
                .isEqualTo(order.path("orderId").asText());
    }

    private JsonNode get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(GATEWAY + path)).timeout(Duration.ofSeconds(15));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request, 200);
    }

    private JsonNode post(String path, String token, String body, int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(GATEWAY + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request, expected);
    }

    private JsonNode send(HttpRequest.Builder request, int expected) throws Exception {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
        return response.body().isEmpty() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(response.body());
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 180_000;
        while (!condition.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as(what).isLessThan(deadline);
            Thread.sleep(1000);
        }
    }
}
