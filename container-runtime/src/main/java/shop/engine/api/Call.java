package shop.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Fields;
import shop.engine.support.EngineException;
import shop.engine.support.Json;

/**
 * One API request and its response, with the reading and writing every endpoint does: path
 * groups, query parameters in Docker's forms, the JSON body, and Docker's reply shapes.
 */
record Call(Matcher path, Request request, Response response, Fields query) {

    /** A group of the route's path pattern, e.g. the container's id or name. */
    String path(int group) {
        return path.group(group);
    }

    /** A query parameter; null when absent or empty. */
    String query(String name) {
        String value = query.getValue(name);
        return value == null || value.isEmpty() ? null : value;
    }

    List<String> queryValues(String name) {
        return query.getValuesOrEmpty(name);
    }

    /** Docker's booleans: 1 or true. */
    boolean flag(String name) {
        String value = query.getValue(name);
        return value != null && (value.equals("1") || value.equalsIgnoreCase("true"));
    }

    /** Like {@link #flag}, for parameters Docker defaults to true (logs' stream selection in attach, for one). */
    boolean flag(String name, boolean absent) {
        return query.getValue(name) == null ? absent : flag(name);
    }

    String required(String name) {
        String value = query(name);
        if (value == null) {
            throw EngineException.invalid("query parameter " + name + " is required");
        }
        return value;
    }

    /** An integer parameter, named in the error when it is not one. */
    Integer integer(String name) {
        String value = query(name);
        if (value == null) {
            return null;
        }
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw EngineException.invalid(name + ": \"" + value + "\" is not an integer");
        }
    }

    /** One side of a terminal's size (resize's h or w): required, from 0 to 65535 as the kernel keeps it. */
    int terminalSide(String name) {
        Integer value = integer(name);
        if (value == null || value < 0 || value > 0xffff) {
            throw EngineException.invalid(name + ": " + (value == null ? "is required" : value + " is not")
                    + " a terminal size from 0 to 65535");
        }
        return value;
    }

    /**
     * Docker's times: Unix seconds with an optional fraction ({@code 1700000000.5}) or RFC 3339;
     * null when absent. The error names the parameter.
     */
    Instant time(String name) {
        String text = query(name);
        if (text == null || text.equals("0")) {
            return null;
        }
        try {
            BigDecimal seconds = new BigDecimal(text);
            return Instant.ofEpochSecond(seconds.longValue(), seconds.remainder(BigDecimal.ONE).movePointRight(9).longValue());
        } catch (NumberFormatException notSeconds) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw EngineException.invalid(name + ": \"" + text + "\" is neither Unix seconds nor an RFC 3339 time");
            }
        }
    }

    /** The {@code filters} parameter, refused with a 400 naming it when it is not Docker's JSON. */
    Filters filters() {
        return Filters.parse(query.getValue("filters"));
    }

    /** A query parameter holding a JSON object of strings (buildargs, labels); empty when absent. */
    Map<String, String> stringMap(String name) {
        Map<String, String> map = new LinkedHashMap<>();
        String json = query(name);
        if (json == null) {
            return map;
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw EngineException.invalid(name + ": not JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw EngineException.invalid(name + ": want a JSON object of strings");
        }
        node.fields().forEachRemaining(e -> {
            if (!e.getValue().isNull()) {
                map.put(e.getKey(), e.getValue().asText());
            }
        });
        return map;
    }

    static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    String header(String name) {
        return request.getHeaders().get(name);
    }

    /** The JSON body; a 400 when it is missing or not JSON. */
    JsonNode body() throws IOException {
        byte[] bytes = bodyBytes();
        if (bytes.length == 0) {
            throw EngineException.invalid("a JSON body is required");
        }
        return Json.MAPPER.readTree(bytes);
    }

    /** The JSON body, or an empty object when the client sent none (Docker accepts both). */
    JsonNode optionalBody() throws IOException {
        byte[] bytes = bodyBytes();
        return bytes.length == 0 ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(bytes);
    }

    private byte[] bodyBytes() throws IOException {
        try (InputStream in = bodyStream()) {
            return in.readAllBytes();
        }
    }

    InputStream bodyStream() {
        return Content.Source.asInputStream(request);
    }

    void json(int status, Object body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        write(Json.bytes(body));
    }

    void text(int status, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        write(body.getBytes(StandardCharsets.UTF_8));
    }

    void empty(int status) {
        response.setStatus(status);
    }

    /** Docker's error body. */
    void error(int status, String message) {
        json(status, Json.MAPPER.createObjectNode().put("message", message));
    }

    /** Starts a streamed 200 reply of the given type; the caller writes and closes the stream. */
    OutputStream stream(String contentType) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        return Content.Sink.asOutputStream(response);
    }

    private void write(byte[] bytes) {
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            out.write(bytes);
        } catch (IOException e) {
            throw EngineException.failed("write response: " + e.getMessage(), e);
        }
    }
}
