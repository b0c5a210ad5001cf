package shop.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import shop.testing.FreshDatabase;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The public catalog API over real HTTP, as the gateway and the front-end call it. */
@FreshDatabase
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"eureka.client.enabled=false", "spring.grpc.server.enabled=false"})
class CatalogApiTest {

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void listsProductsWithPagingFields() throws Exception {
        HttpResponse<String> response = get("/api/catalog/products?page=1&size=5");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json.readTree(response.body());
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
    void readsOneProductWhoseImageIsServed() throws Exception {
        JsonNode first = json.readTree(get("/api/catalog/products?q=espresso+machine").body()).get("items").get(0);
        HttpResponse<String> response = get("/api/catalog/products/" + first.get("id").asLong());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode product = json.readTree(response.body());
        assertThat(product.get("name").asString()).isEqualTo("Espresso Machine");
        assertThat(product.get("priceCents").asLong()).isEqualTo(24900);
        assertThat(product.get("currency").asString()).isEqualTo("USD");

        HttpResponse<String> image = get(product.get("imageUrl").asString());
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(image.body()).contains("<svg");
    }

    @Test
    void listsCategories() throws Exception {
        JsonNode categories = json.readTree(get("/api/catalog/categories").body());
        assertThat(categories.size()).isGreaterThanOrEqualTo(6);
        assertThat(categories.get(0).has("slug")).isTrue();
    }

    @Test
    void unknownProductIsProblem404() throws Exception {
        HttpResponse<String> response = get("/api/catalog/products/987654321");
        assertProblem(response, 404);
        assertThat(json.readTree(response.body()).get("detail").asString()).contains("987654321");
    }

    @Test
    void nonNumericProductIdIsProblem400NamingId() throws Exception {
        assertBadField(get("/api/catalog/products/abc"), "id");
    }

    @Test
    void malformedPageSizeIsProblem400NamingSize() throws Exception {
        assertBadField(get("/api/catalog/products?size=twenty"), "size");
        assertBadField(get("/api/catalog/products?size=0"), "size");
        assertBadField(get("/api/catalog/products?size=5000"), "size");
    }

    @Test
    void negativePageIsProblem400NamingPage() throws Exception {
        assertBadField(get("/api/catalog/products?page=-1"), "page");
    }

    @Test
    void tenKilobyteSearchIsAnswered() throws Exception {
        String words = "stainless steel kettle ".repeat(450);
        assertThat(words.length()).isGreaterThan(10_000);
        HttpResponse<String> response = get("/api/catalog/products?q=" + encode(words));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json.readTree(response.body()).get("items").isArray()).isTrue();
    }

    @Test
    void overlongSearchIsProblem400NamingQ() throws Exception {
        assertBadField(get("/api/catalog/products?q=" + "a".repeat(20_000)), "q");
    }

    @Test
    void sqlMetacharactersInSearchAreHarmless() throws Exception {
        HttpResponse<String> response = get("/api/catalog/products?q=" + encode("x' OR '1'='1'; --"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json.readTree(response.body()).get("total").asLong()).isZero();
    }

    @Test
    void unknownPathIsProblem404() throws Exception {
        assertProblem(get("/api/catalog/nothing-here"), 404);
    }

    private void assertBadField(HttpResponse<String> response, String field) throws IOException {
        assertProblem(response, 400);
        JsonNode errors = json.readTree(response.body()).get("errors");
        assertThat(errors).as("errors in %s", response.body()).isNotNull();
        assertThat(errors.findValuesAsString("field")).contains(field);
    }

    private void assertProblem(HttpResponse<String> response, int status) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode body = json.readTree(response.body());
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.has("title")).isTrue();
        assertThat(response.body()).doesNotContain("at shop.", "Exception", "trace");
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
