package shop.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import shop.engine.Engine;
import shop.engine.container.Container;
import shop.engine.container.Volumes;
import shop.engine.event.EngineEvents;
import shop.engine.support.EngineException;
import shop.engine.support.Json;

/** Docker's {@code /volumes} endpoints, with Docker's filters; each change is an event. */
final class VolumeEndpoints implements Router.Endpoints {

    private static final Set<String> LIST_FILTERS = Set.of("dangling", "driver", "label", "label!", "name");
    private static final Set<String> PRUNE_FILTERS = Set.of("label", "label!", "all", "until");

    private final Engine engine;
    private final EngineEvents events;

    VolumeEndpoints(Engine engine, EngineEvents events) {
        this.engine = engine;
        this.events = events;
    }

    @Override
    public void register(Router router) {
        router.on("GET", "/volumes", call -> {
            Filters filters = call.filters().accept(LIST_FILTERS);
            Boolean dangling = filters.bool("dangling");
            List<Container> containers = engine.containers().list(true);
            ArrayNode volumes = Json.MAPPER.createArrayNode();
            for (Volumes.Volume v : engine.volumes().list()) {
                if (filters.labels(v.labels()) && filters.any("name", n -> Filters.regexFind(n, v.name()))
                        && filters.any("driver", "local"::equals)
                        && (dangling == null || dangling == Volumes.users(v.name(), containers).isEmpty())) {
                    volumes.add(view(v));
                }
            }
            ObjectNode out = Json.MAPPER.createObjectNode();
            out.set("Volumes", volumes);
            out.putArray("Warnings");
            call.json(200, out);
        });
        router.on("POST", "/volumes/create", call -> {
            JsonNode body = call.body();
            String driver = body.path("Driver").asText("local");
            if (!driver.isEmpty() && !driver.equals("local")) {
                throw EngineException.invalid("Driver: \"" + driver + "\" is not supported; this engine has local volumes");
            }
            if (body.path("DriverOpts").size() > 0) {
                throw EngineException.invalid("DriverOpts: local volumes here take no options");
            }
            Volumes.Volume v = engine.volumes().create(body.path("Name").asText(null),
                    Json.MAPPER.convertValue(body.path("Labels"), Filters.STRING_MAP));
            events.publish("volume", "create", v.name(), Map.of("driver", "local"));
            call.json(201, view(v));
        });
        router.on("POST", "/volumes/prune", call -> {
            Filters filters = call.filters().accept(PRUNE_FILTERS);
            Instant until = filters.has("until") ? ContainerEndpoints.untilOf(filters.get("until").get(0)) : null;
            // Docker prunes anonymous volumes only, unless all=true.
            boolean all = Boolean.TRUE.equals(filters.bool("all"));
            List<Container> containers = engine.containers().list(true);
            ArrayNode deleted = Json.MAPPER.createArrayNode();
            long reclaimed = 0;
            for (Volumes.Volume v : engine.volumes().list()) {
                if (Volumes.users(v.name(), containers).isEmpty() && filters.labels(v.labels())
                        && (all || v.name().matches("[0-9a-f]{64}"))
                        && (until == null || Instant.parse(v.createdAt()).isBefore(until))) {
                    reclaimed += DiskUsage.bytesUnder(Path.of(v.mountpoint()));
                    engine.volumes().remove(v.name(), List.of());
                    events.publish("volume", "destroy", v.name(), Map.of("driver", "local"));
                    deleted.add(v.name());
                }
            }
            call.json(200, Json.MAPPER.createObjectNode().put("SpaceReclaimed", reclaimed).set("VolumesDeleted", deleted));
        });
        router.on("GET", "/volumes/([^/]+)", call -> call.json(200, view(engine.volumes().inspect(call.path(1)))));
        router.on("DELETE", "/volumes/([^/]+)", call -> {
            engine.volumes().remove(call.path(1), Volumes.users(call.path(1), engine.containers().list(true)));
            events.publish("volume", "destroy", call.path(1), Map.of("driver", "local"));
            call.empty(204);
        });
    }

    private static ObjectNode view(Volumes.Volume v) {
        ObjectNode o = Json.MAPPER.valueToTree(v);
        o.put("Driver", "local").put("Scope", "local");
        o.putObject("Options");
        return o;
    }
}
