package shop.engine.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import shop.engine.Engine;
import shop.engine.event.EngineEvents;
import shop.engine.image.ContainerConfig;
import shop.engine.image.Image;
import shop.engine.support.EngineException;
import shop.engine.support.Json;

/**
 * Images as tarballs through the Docker API: {@code GET /images/get?names=} and
 * {@code /images/{name}/get} (save), {@code POST /images/load}, and the import of a root
 * filesystem, {@code POST /images/create?fromSrc=-}, whose {@code changes} set its run config.
 */
final class ImageArchiveEndpoints implements Router.Endpoints {

    private final Engine engine;
    private final EngineEvents events;

    ImageArchiveEndpoints(Engine engine, EngineEvents events) {
        this.engine = engine;
        this.events = events;
    }

    @Override
    public void register(Router router) {
        router.on("GET", "/images/get", call -> save(call.queryValues("names"), call));
        router.on("GET", "/images/(.+)/get", call -> save(List.of(call.path(1)), call));
        router.on("POST", "/images/load", call -> {
            List<String> loaded;
            try (InputStream in = call.bodyStream()) {
                loaded = engine.images().load(in);
            }
            try (OutputStream out = call.stream("application/json")) {
                for (String name : loaded) {
                    String line = (name.startsWith("sha256:") ? "Loaded image ID: " : "Loaded image: ") + name + "\n";
                    events.publish("image", "load", name, Map.of("name", name));
                    JsonLines.write(out, Json.MAPPER.createObjectNode().put("stream", line));
                }
            }
        });
    }

    /** POST /images/create with fromSrc: RegistryEndpoints hands it here, as it is no pull. */
    void importRootfs(Call call) throws IOException {
        if (!"-".equals(call.query("fromSrc"))) {
            throw EngineException.invalid("fromSrc: only \"-\" (the tarball in the request body) is supported");
        }
        String repo = call.required("repo");
        String tag = call.query("tag");
        ContainerConfig config = ConfigChanges.apply(ContainerConfig.EMPTY, call.queryValues("changes"));
        Image image;
        try (InputStream in = call.bodyStream()) {
            image = engine.images().importRootfs(in, tag == null ? repo : repo + ":" + tag, config);
        }
        events.publish("image", "import", image.id(), Map.of("name", repo));
        call.json(200, Json.MAPPER.createObjectNode().put("status", image.id()));
    }

    private void save(List<String> names, Call call) throws IOException {
        if (names.isEmpty()) {
            throw EngineException.invalid("query parameter names is required");
        }
        // Resolved before the headers go out, so a missing image is a 404 and not a broken tarball.
        names.forEach(engine.images()::resolve);
        try (OutputStream out = call.stream("application/x-tar")) {
            engine.images().save(names, out);
        }
        names.forEach(name -> events.publish("image", "save", engine.images().resolve(name).id(), Map.of("name", name)));
    }
}
