package shop.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import shop.engine.Engine;
import shop.engine.EngineException;
import shop.engine.Json;
import shop.engine.container.Container;
import shop.engine.container.Volumes;

/** Docker's {@code /volumes} endpoints. */
final class VolumeEndpoints {

    private final Engine engine;

    VolumeEndpoints(Engine engine) {
        this.engine = engine;
    }

    void register(ApiHandler api) {
        api.on("GET", "/volumes", (m, rq, rs, q) -> {
            Filters filters = Filters.parse(q.getValue("filters"));
            ArrayNode volumes = Json.MAPPER.createArrayNode();
            engine.volumes().list().stream().filter(v -> filters.matches(v.name(), v.name(), v.labels()))
                    .forEach(v -> volumes.add(volumeView(v)));
            ObjectNode out = Json.MAPPER.createObjectNode();
            out.set("Volumes", volumes);
            out.putArray("Warnings");
            ApiHandler.json(rs, 200, out);
        });
        api.on("POST", "/volumes/create", (m, rq, rs, q) -> {
            JsonNode body = ApiHandler.body(rq);
            String driver = body.path("Driver").asText("local");
            if (!driver.isEmpty() && !driver.equals("local")) {
                throw EngineException.invalid("Driver: \"" + driver + "\" is not supported; this engine has local volumes");
            }
            ApiHandler.json(rs, 201, volumeView(engine.volumes().create(body.path("Name").asText(null),
                    Json.MAPPER.convertValue(body.path("Labels"), Filters.STRING_MAP))));
        });
        api.on("GET", "/volumes/([^/]+)", (m, rq, rs, q) -> ApiHandler.json(rs, 200, volumeView(engine.volumes().inspect(m.group(1)))));
        api.on("DELETE", "/volumes/([^/]+)", (m, rq, rs, q) -> {
            engine.volumes().remove(m.group(1), Volumes.users(m.group(1), engine.containers().list(true)));
            ApiHandler.empty(rs, 204);
        });
        api.on("POST", "/volumes/prune", (m, rq, rs, q) -> {
            Filters filters = Filters.parse(q.getValue("filters"));
            List<Container> all = engine.containers().list(true);
            ArrayNode deleted = Json.MAPPER.createArrayNode();
            for (Volumes.Volume v : engine.volumes().list()) {
                if (Volumes.users(v.name(), all).isEmpty() && filters.matches(v.name(), v.name(), v.labels())) {
                    engine.volumes().remove(v.name(), List.of());
                    deleted.add(v.name());
                }
            }
            ApiHandler.json(rs, 200, Json.MAPPER.createObjectNode().put("SpaceReclaimed", 0).set("VolumesDeleted", deleted));
        });
    }

    private static ObjectNode volumeView(Volumes.Volume v) {
        ObjectNode o = Json.MAPPER.valueToTree(v);
        o.put("Driver", "local").put("Scope", "local");
        o.putObject("Options");
        return o;
    }
}
