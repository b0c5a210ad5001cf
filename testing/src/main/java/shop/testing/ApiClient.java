package shop.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A JSON client for a service's public API over real HTTP, as the front-end calls it, with the
 * checks every API test makes of problem+json errors (docs/api.md#errors).
 */
public final class ApiClient {

    /** What came back: status, content type, the body as text and as JSON, and the headers. */
    public record Response(int status, String contentType, String body, HttpHeaders headers) {

        public JsonNode json() {
            return JSON.readTree(body);
        }

        public Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        /** Asserts an RFC 9457 problem with this status and no stack trace in the body. */
        public Response assertProblem(int expectedStatus) {
            assertThat(status).as(body).isEqualTo(expectedStatus);
            assertThat(contentType).as("content type of " + body).startsWith("application/problem+json");
            assertThat(json().get("status").asInt()).isEqualTo(expectedStatus);
            assertThat(json().has("title")).isTrue();
            assertThat(body).doesNotContain("at shop.", "Exception", "trace");
            return this;
        }

        /** Asserts a 400 problem whose {@code errors} list names the field. */
        public Response assertBadField(String field) {
            return assertProblem(400, field);
        }

        /** Asserts a problem with this status whose {@code errors} list names the field. */
        public Response assertProblem(int expectedStatus, String field) {
            assertProblem(expectedStatus);
            JsonNode errors = json().get("errors");
            assertThat(errors).as("errors in %s", body).isNotNull();
            assertThat(errors.findValuesAsString("field")).contains(field);
            return this;
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private String bearer;
    private final Map<String, String> headers = new LinkedHashMap<>();

    public ApiClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** Sends this token with every later request; null sends none. */
    public ApiClient withToken(String token) {
        ApiClient client = new ApiClient(baseUrl);
        client.headers.putAll(headers);
        client.bearer = token;
        return client;
    }

    /** Sends this header (an Idempotency-Key, an Accept) with every later request. */
    public ApiClient withHeader(String name, String value) {
        ApiClient client = withToken(bearer);
        client.headers.put(name, value);
        return client;
    }

    public Response get(String path) {
        return send(request(path).GET());
    }

    public Response post(String path, Object body) {
        return send(request(path).POST(json(body)).header("Content-Type", "application/json"));
    }

    public Response put(String path, Object body) {
        return send(request(path).PUT(json(body)).header("Content-Type", "application/json"));
    }

    public Response delete(String path) {
        return send(request(path).DELETE());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
        if (bearer != null) {
            builder.header("Authorization", "Bearer " + bearer);
        }
        headers.forEach(builder::header);
        return builder;
    }

    /** A String is sent as it is (to send malformed JSON); anything else is serialised. */
    private static HttpRequest.BodyPublisher json(Object body) {
        return HttpRequest.BodyPublishers.ofString(body instanceof String text ? text : JSON.writeValueAsString(body));
    }

    private Response send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""), response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
