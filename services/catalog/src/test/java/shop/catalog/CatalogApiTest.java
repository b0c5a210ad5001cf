package shop.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import shop.testing.ApiClient;
import shop.testing.FreshDatabase;
import shop.testing.OpenApiContract;
import tools.jackson.databind.JsonNode;

/**
 * The public catalog API over real HTTP, as the gateway and the front-end call it; its OpenAPI
 * document against the released contract; and platform's metrics chain, as every service has it.
 */
@FreshDatabase
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"eureka.client.enabled=false", "spring.grpc.server.enabled=false", "METRICS_PASSWORD=scrape-me"})
class CatalogApiTest {

    @LocalServerPort
    int port;

    ApiClient api;

    @BeforeEach
    void connect() {
        api = new ApiClient("http://127.0.0.1:" + port);
    }

    @Test
    void listsProductsWithPagingFields() {
        ApiClient.Response response = api.get("/api/catalog/products?page=1&size=5");
        assertThat(response.status()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.get("page").asInt()).isEqualTo(1);
        assertThat(body.get("size").asInt()).isEqualTo(5);
        assertThat(body.get("total").asLong()).isGreaterThanOrEqualTo(60);
        assertThat(body.get("items")).hasSize(5);
        JsonNode product = body.get("items").get(0);
        for (String field : new String[] {"id", "sku", "name", "description", "priceCents", "currency",
                "category", "imageUrl", "weightGrams"}) {
            assertThat(product.has(field)).as(field).isTrue();
        }
    }

    @Test
    void readsOneProductWhoseImageIsServed() {
        JsonNode first = api.get("/api/catalog/products?q=espresso+machine").json().get("items").get(0);
        ApiClient.Response response = api.get("/api/catalog/products/" + first.get("id").asLong());
        assertThat(response.status()).isEqualTo(200);
        JsonNode product = response.json();
        assertThat(product.get("name").asString()).isEqualTo("Espresso Machine");
        assertThat(product.get("priceCents").asLong()).isEqualTo(24900);
        assertThat(product.get("currency").asString()).isEqualTo("USD");

        ApiClient.Response image = api.get(product.get("imageUrl").asString());
        assertThat(image.status()).isEqualTo(200);
        assertThat(image.body()).contains("<svg");
    }

    @Test
    void listsCategories() {
        JsonNode categories = api.get("/api/catalog/categories").json();
        assertThat(categories.size()).isGreaterThanOrEqualTo(6);
        assertThat(categories.get(0).has("slug")).isTrue();
    }

    @Test
    void unknownProductIsProblem404() {
        ApiClient.Response response = api.get("/api/catalog/products/987654321").assertProblem(404);
        assertThat(response.json().get("detail").asString()).contains("987654321");
    }

    @Test
    void nonNumericProductIdIsProblem400NamingId() {
        api.get("/api/catalog/products/abc").assertBadField("id");
    }

    @Test
    void malformedPageSizeIsProblem400NamingSize() {
        api.get("/api/catalog/products?size=twenty").assertBadField("size");
        api.get("/api/catalog/products?size=0").assertBadField("size");
        api.get("/api/catalog/products?size=5000").assertBadField("size");
    }

    @Test
    void negativePageIsProblem400NamingPage() {
        api.get("/api/catalog/products?page=-1").assertBadField("page");
    }

    @Test
    void tenKilobyteSearchIsAnswered() {
        String words = "stainless steel kettle ".repeat(450);
        assertThat(words.length()).isGreaterThan(10_000);
        ApiClient.Response response = api.get("/api/catalog/products?q=" + encode(words));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("items").isArray()).isTrue();
    }

    @Test
    void overlongSearchIsProblem400NamingQ() {
        api.get("/api/catalog/products?q=" + "a".repeat(20_000)).assertBadField("q");
    }

    @Test
    void sqlMetacharactersInSearchAreHarmless() {
        ApiClient.Response response = api.get("/api/catalog/products?q=" + encode("x' OR '1'='1'; --"));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("total").asLong()).isZero();
    }

    @Test
    void unknownPathIsProblem404() {
        api.get("/api/catalog/nothing-here").assertProblem(404);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Test
    void thePublicApiKeepsItsReleasedContract() {
        OpenApiContract.assertKeepsItsRelease("catalog", api);
    }

    /** /actuator/prometheus answers the stack's Prometheus account alone, with the histogram p99 is computed from. */
    @Test
    void onlyThePrometheusAccountReadsTheMetrics() {
        assertThat(api.get("/api/catalog/products?size=1").status()).isEqualTo(200);

        assertThat(api.get("/actuator/prometheus").status()).isEqualTo(401);
        assertThat(api.withHeader("Authorization", basic("prometheus", "guess")).get("/actuator/prometheus").status()).isEqualTo(401);
        assertThat(api.withHeader("Authorization", basic("admin", "scrape-me")).get("/actuator/prometheus").status())
                .as("the password, with another user").isEqualTo(401);

        ApiClient prometheus = api.withHeader("Authorization", basic("prometheus", "scrape-me"));
        ApiClient.Response metrics = prometheus.get("/actuator/prometheus");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).containsPattern("http_server_requests_seconds_bucket\\{.*uri=\"/api/catalog/products\".*le=\"0\\.001\"");
        // What Prometheus asks for; an exemplar in it (a trace id) makes Prometheus 2.42 drop the whole scrape.
        ApiClient.Response openMetrics = prometheus.withHeader("Accept", "application/openmetrics-text;version=1.0.0").get("/actuator/prometheus");
        assertThat(openMetrics.body()).contains("http_server_requests_seconds_bucket", "# EOF").doesNotContain("trace_id");
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
