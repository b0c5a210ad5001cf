package shop.engine.api;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import shop.engine.Engine;
import shop.engine.build.Builder;
import shop.engine.event.EngineEvents;
import shop.engine.image.Image;
import shop.engine.image.Reference;
import shop.engine.snapshot.SafeTarExtractor;
import shop.engine.support.EngineException;
import shop.engine.support.FileTrees;
import shop.engine.support.Json;

/**
 * Docker's classic builder endpoint, {@code POST /build} (the context as a tar body, the build's
 * output as a JSON stream, the image ID last as {@code aux}), and {@code POST /build/prune}.
 */
final class BuildEndpoints implements Router.Endpoints {

    private final Engine engine;
    private final EngineEvents events;

    BuildEndpoints(Engine engine, EngineEvents events) {
        this.engine = engine;
        this.events = events;
    }

    @Override
    public void register(Router router) {
        router.on("POST", "/build", this::build);
        router.on("POST", "/build/prune", call -> {
            long freed = engine.images().pruneKept();
            call.json(200, Json.MAPPER.createObjectNode().put("SpaceReclaimed", freed).set("CachesDeleted",
                    Json.MAPPER.createArrayNode()));
        });
    }

    private void build(Call call) throws Exception {
        Path context = Files.createTempDirectory(engine.state(), "build-context");
        try {
            try (InputStream in = call.bodyStream()) {
                new SafeTarExtractor(null).extract(in, context, "build context");
            }
            List<String> tags = call.queryValues("t");
            tags.forEach(Reference::parse);
            Builder.BuildRequest build = new Builder.BuildRequest(context, call.query("dockerfile"), tags,
                    call.stringMap("buildargs"), call.query("target"), call.flag("nocache"), call.stringMap("labels"));
            try (OutputStream out = call.stream("application/json")) {
                try {
                    Image image = engine.builder().build(build, line -> JsonLines.write(out,
                            Json.MAPPER.createObjectNode().put("stream", line)));
                    JsonLines.write(out, Json.MAPPER.createObjectNode().set("aux", Json.MAPPER.createObjectNode().put("ID", image.id())));
                    tags.forEach(tag -> events.publish("image", "tag", image.id(), Map.of("name", Reference.parse(tag).familiar())));
                } catch (EngineException e) {
                    JsonLines.error(out, e.getMessage());
                }
            }
        } finally {
            FileTrees.deleteOrFail(context, "build context");
        }
    }
}
