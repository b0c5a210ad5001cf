package shop.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import shop.engine.support.EngineException;
import shop.engine.support.Json;

/**
 * Docker's JSON streams (build, pull, push, load, events, stats): one object per line, flushed as
 * it is written so the client sees progress as it happens.
 */
final class JsonLines {

    private JsonLines() {
    }

    static void write(OutputStream out, JsonNode node) {
        byte[] json = Json.bytes(node);
        byte[] line = Arrays.copyOf(json, json.length + 1);
        line[json.length] = '\n';
        try {
            // One write per line: written apart, the newline could reach the client as a chunk of its
            // own, and docker-compose fails on a stream whose last chunk is only whitespace.
            out.write(line);
            out.flush();
        } catch (IOException e) {
            throw EngineException.failed("client went away: " + e.getMessage(), e);
        }
    }

    /** Once a stream's headers are sent, Docker reports a failure as its last object. */
    static void error(OutputStream out, String message) {
        ObjectNode error = Json.MAPPER.createObjectNode().put("error", message);
        error.putObject("errorDetail").put("message", message);
        write(out, error);
    }
}
