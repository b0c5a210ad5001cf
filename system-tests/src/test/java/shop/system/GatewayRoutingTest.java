package shop.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The gateway routes to the catalog it found in a real Eureka, and degrades cleanly when it is gone. */
class GatewayRoutingTest {

    private final LocalStack stack = LocalStack.shared();
    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void routesCatalogRequestsFoundThroughEureka() throws Exception {
        HttpResponse<String> viaGateway = get(stack.gatewayUrl() + "/api/catalog/products?q=espresso&size=3");
        HttpResponse<String> direct = get(stack.catalogUrl() + "/api/catalog/products?q=espresso&size=3");
        assertThat(viaGateway.statusCode()).isEqualTo(200);
        assertThat(json.readTree(viaGateway.body())).isEqualTo(json.readTree(direct.body()));
    }

    @Test
    void passesTheServicesProblemResponsesThrough() throws Exception {
        HttpResponse<String> response = get(stack.gatewayUrl() + "/api/catalog/products?page=-1");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json.readTree(response.body()).get("errors").findValuesAsString("field")).contains("page");
    }

    /** Eureka refuses an instance registered without the stack's account, so no shopper is ever sent to it. */
    @Test
    void anAnonymousRegistrationIsRefusedAndNeverRouted() throws Exception {
        try (ServerSocket impostor = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String instance = """
                    {"instance":{"instanceId":"impostor","hostName":"127.0.0.1","app":"CATALOG","ipAddr":"127.0.0.1",
                     "status":"UP","port":{"$":%d,"@enabled":"true"},
                     "dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"}}}
                    """.formatted(impostor.getLocalPort());
            HttpResponse<String> registered = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + stack.discoveryPort + "/eureka/apps/CATALOG"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(instance)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(registered.statusCode()).isEqualTo(401);

            // Longer than the gateway's registry fetch (5 s) and its load balancer's cache (5 s) together.
            Instant until = Instant.now().plusSeconds(12);
            while (Instant.now().isBefore(until)) {
                assertThat(get(stack.gatewayUrl() + "/api/catalog/products?size=1").statusCode()).isEqualTo(200);
                Thread.sleep(200);
            }
            impostor.setSoTimeout(100);
            assertThatThrownBy(impostor::accept).as("a connection the gateway made to the impostor")
                    .isInstanceOf(SocketTimeoutException.class);
        }
    }

    /**
     * An instance registered and then gone without deregistering (a crash, a drain cut short):
     * every read still gets its answer, from the instance that is there.
     */
    @Test
    void aReadSentToAnInstanceThatIsGoneIsRetriedOnAnother() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        String apps = "http://127.0.0.1:" + stack.discoveryPort + "/eureka/apps/CATALOG";
        String authorization = "Basic " + Base64.getEncoder().encodeToString(
                (URI.create(stack.eureka).getUserInfo()).getBytes(StandardCharsets.UTF_8));
        String instance = """
                {"instance":{"instanceId":"gone","hostName":"127.0.0.1","app":"CATALOG","ipAddr":"127.0.0.1",
                 "status":"UP","port":{"$":%d,"@enabled":"true"},"leaseInfo":{"durationInSecs":90},
                 "dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"}}}
                """.formatted(closedPort);
        HttpResponse<String> registered = http.send(HttpRequest.newBuilder(URI.create(apps))
                        .header("Authorization", authorization).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(instance)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).isEqualTo(204);
        try {
            // Longer than the gateway's registry fetch (5 s) and its load balancer's cache (5 s) together.
            Instant until = Instant.now().plusSeconds(15);
            int reads = 0;
            while (Instant.now().isBefore(until)) {
                HttpResponse<String> read = get(stack.gatewayUrl() + "/api/catalog/products?size=1");
                assertThat(read.statusCode()).as("read %d: %s", reads, read.body()).isEqualTo(200);
                reads++;
                Thread.sleep(50);
            }
        } finally {
            http.send(HttpRequest.newBuilder(URI.create(apps + "/gone")).header("Authorization", authorization).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        }
    }

    @Test
    void serviceWithoutARunningInstanceIsProblem503() throws Exception {
        stack.service("recommendations").process().stop();
        try {
            HttpResponse<String> response = get(stack.gatewayUrl() + "/api/recommendations?productId=1");
            assertUnavailable(response, "recommendations");
        } finally {
            stack.service("recommendations").process().start();
            stack.service("recommendations").awaitHealthy();
        }
    }

    @Test
    void crashedCatalogIsAnsweredWith503ProblemNotAHang() throws Exception {
        stack.service("catalog").process().kill();
        try {
            Instant start = Instant.now();
            HttpResponse<String> response = get(stack.gatewayUrl() + "/api/catalog/products");
            assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(10));
            assertUnavailable(response, "catalog");
        } finally {
            stack.restartCatalog();
        }
        assertThat(get(stack.gatewayUrl() + "/api/catalog/products").statusCode()).isEqualTo(200);
    }

    /**
     * A hung catalog (SIGSTOP: the kernel still accepts its connections) is answered by the
     * gateway's time limit, and the gateway logs why under the request's trace id.
     */
    @Test
    void aFrozenCatalogIsAnswered503WithinTheGatewaysTimeLimit() throws Exception {
        ServiceProcess catalog = stack.service("catalog").process();
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        catalog.freeze();
        try {
            Instant start = Instant.now();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl()
                    + "/api/catalog/products?size=1")).header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(Duration.between(start, Instant.now())).as("the gateway's limit is 5 s").isLessThan(Duration.ofSeconds(8));
            assertUnavailable(response, "catalog");
        } finally {
            catalog.thaw();
        }
        assertThat(stack.gateway.log().lines().filter(line -> line.contains("answered 503 for catalog")))
                .anyMatch(line -> line.contains(traceId) && line.contains("TimeoutException"));
        assertThat(get(stack.gatewayUrl() + "/api/catalog/products?size=1").statusCode()).isEqualTo(200);
    }

    private void assertUnavailable(HttpResponse<String> response, String service) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(503);
        assertThat(problem.get("detail").asString()).contains(service);
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
