package shop.engine.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.transport.DockerHttpClient.Request.Method;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import shop.engine.support.EngineException;
import shop.engine.support.Json;

/**
 * Plain requests to an engine's API, for what docker-java parses away or does not send: inspect's
 * JSON as the engine wrote it, save's tarball, the messages of load and import, import's
 * {@code changes}. An error status becomes an EngineException of the matching kind, carrying the
 * engine's own message.
 */
public final class EngineRequests implements Closeable {

    private final DockerHttpClient http;

    public EngineRequests(String dockerHost) {
        this.http = EngineClients.http(dockerHost);
    }

    /** The response of a successful request, its body still to read; the caller closes it. */
    public DockerHttpClient.Response send(Method method, String path, InputStream body, String contentType) {
        DockerHttpClient.Request.Builder request = DockerHttpClient.Request.builder().method(method).path(path);
        if (body != null) {
            request.body(body).putHeader("Content-Type", contentType);
        }
        DockerHttpClient.Response response = http.execute(request.build());
        int status = response.getStatusCode();
        if (status < 400) {
            return response;
        }
        String message;
        try (response) {
            String text = new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8);
            message = messageOf(text);
        } catch (IOException e) {
            message = "status " + status;
        }
        throw switch (status) {
            case 400 -> EngineException.invalid(message);
            case 404 -> EngineException.notFound(message);
            case 409 -> EngineException.conflict(message);
            default -> EngineException.failed(message, null);
        };
    }

    /** A GET's JSON body. */
    public JsonNode json(String path) throws IOException {
        try (DockerHttpClient.Response response = send(Method.GET, path, null, null)) {
            return Json.MAPPER.readTree(response.getBody());
        }
    }

    /** A query parameter's value, encoded. */
    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Docker's {"message": ...}, or the text as it came. */
    private static String messageOf(String text) {
        try {
            JsonNode error = Json.MAPPER.readTree(text);
            return error != null && error.hasNonNull("message") ? error.get("message").asText() : text.strip();
        } catch (IOException notJson) {
            return text.strip();
        }
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
