package shop.engine.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.OutputStream;
import shop.engine.registry.ProgressListener;
import shop.engine.registry.ProgressText;
import shop.engine.support.Json;

/**
 * Pull and push progress as Docker's JSON stream, one object a line:
 * {@code {"status":"Downloading","progressDetail":{"current":1,"total":2},"progress":"[=> ]...","id":"abcdef123456"}}.
 * The docker CLI draws its bars from these; Testcontainers reads the statuses.
 */
final class NdjsonProgress implements ProgressListener {

    private final OutputStream out;

    NdjsonProgress(OutputStream out) {
        this.out = out;
    }

    @Override
    public synchronized void status(String id, String message) {
        ObjectNode line = Json.MAPPER.createObjectNode().put("status", message);
        if (id != null) {
            line.put("id", id);
        }
        JsonLines.write(out, line);
    }

    @Override
    public synchronized void layer(String digest, LayerPhase phase, long current, long total) {
        ObjectNode line = Json.MAPPER.createObjectNode().put("status", phase.text());
        ObjectNode detail = line.putObject("progressDetail");
        if (phase.moving()) {
            detail.put("current", current).put("total", total);
            line.put("progress", ProgressText.bar(current, total));
        }
        line.put("id", ProgressText.shortId(digest));
        JsonLines.write(out, line);
    }
}
