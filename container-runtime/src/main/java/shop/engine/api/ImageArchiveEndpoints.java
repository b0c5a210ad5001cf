package shop.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Fields;
import shop.engine.Engine;
import shop.engine.EngineException;
import shop.engine.Json;
import shop.engine.image.ContainerConfig;
import shop.engine.image.Image;

/**
 * Images as tarballs through the Docker API: {@code GET /images/get?names=} and
 * {@code /images/{name}/get} (save), {@code POST /images/load}, and the import of a root
 * filesystem, {@code POST /images/create?fromSrc=-}, whose {@code changes} may set CMD and ENV.
 */
final class ImageArchiveEndpoints {

    private final Engine engine;

    ImageArchiveEndpoints(Engine engine) {
        this.engine = engine;
    }

    void register(ApiHandler api) {
        api.on("GET", "/images/get", (m, rq, rs, q) -> save(q.getValuesOrEmpty("names"), rs));
        api.on("GET", "/images/(.+)/get", (m, rq, rs, q) -> save(List.of(m.group(1)), rs));
        api.on("POST", "/images/load", (m, rq, rs, q) -> {
            List<String> loaded;
            try (InputStream in = Content.Source.asInputStream(rq)) {
                loaded = engine.images().load(in);
            }
            rs.setStatus(200);
            rs.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            try (OutputStream out = Content.Sink.asOutputStream(rs)) {
                for (String name : loaded) {
                    String line = (name.startsWith("sha256:") ? "Loaded image ID: " : "Loaded image: ") + name + "\n";
                    ApiHandler.streamLine(out, Json.MAPPER.createObjectNode().put("stream", line));
                }
            }
        });
    }

    /** POST /images/create with fromSrc: RegistryEndpoints hands it here, as it is no pull. */
    void importRootfs(Request request, Response response, Fields query) throws IOException {
        if (!"-".equals(query.getValue("fromSrc"))) {
            throw EngineException.invalid("fromSrc: only \"-\" (the tarball in the request body) is supported");
        }
        String repo = ApiHandler.required(query, "repo");
        String tag = ApiHandler.emptyToNull(query.getValue("tag"));
        ContainerConfig config = ContainerConfig.EMPTY;
        List<String> env = new ArrayList<>();
        for (String change : query.getValuesOrEmpty("changes")) {
            String[] words = change.strip().split("\\s+", 2);
            String instruction = words[0].toUpperCase();
            String argument = words.length > 1 ? words[1] : "";
            switch (instruction) {
                case "CMD" -> config = config.withCmd(command(change, argument));
                case "ENV" -> env.add(envPair(change, argument));
                default -> throw EngineException.invalid("changes: \"" + change + "\": only CMD and ENV can be set on import");
            }
        }
        if (!env.isEmpty()) {
            config = config.withEnv(env);
        }
        Image image;
        try (InputStream in = Content.Source.asInputStream(request)) {
            image = engine.images().importRootfs(in, tag == null ? repo : repo + ":" + tag, config);
        }
        ApiHandler.json(response, 200, Json.MAPPER.createObjectNode().put("status", image.id()));
    }

    private void save(List<String> names, Response response) throws IOException {
        if (names.isEmpty()) {
            throw EngineException.invalid("query parameter names is required");
        }
        // Resolved before the headers go out, so a missing image is a 404 and not a broken tarball.
        names.forEach(engine.images()::resolve);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/x-tar");
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            engine.images().save(names, out);
        }
    }

    /** CMD in exec form (a JSON array of strings) or shell form, as a Dockerfile writes it. */
    private static List<String> command(String change, String argument) throws IOException {
        if (!argument.startsWith("[")) {
            if (argument.isEmpty()) {
                throw EngineException.invalid("changes: \"" + change + "\": CMD needs a command");
            }
            return List.of("/bin/sh", "-c", argument);
        }
        JsonNode array = Json.MAPPER.readTree(argument);
        List<String> words = new ArrayList<>();
        for (JsonNode word : array) {
            if (!word.isTextual()) {
                throw EngineException.invalid("changes: \"" + change + "\": CMD's array must hold strings");
            }
            words.add(word.asText());
        }
        return words;
    }

    /** ENV NAME=value (or Dockerfile's older NAME value). */
    private static String envPair(String change, String argument) {
        String[] pair = argument.contains("=") ? argument.split("=", 2) : argument.split("\\s+", 2);
        if (pair.length < 2 || pair[0].isEmpty()) {
            throw EngineException.invalid("changes: \"" + change + "\": ENV needs NAME=value");
        }
        return pair[0] + "=" + pair[1];
    }
}
