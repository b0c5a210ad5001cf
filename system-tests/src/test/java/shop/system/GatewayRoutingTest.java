package shop.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

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
