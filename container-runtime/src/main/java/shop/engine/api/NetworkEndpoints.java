package shop.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import shop.engine.Engine;
import shop.engine.event.EngineEvents;
import shop.engine.network.Network;
import shop.engine.network.NetworkService;
import shop.engine.support.EngineException;
import shop.engine.support.Json;

/** Docker's {@code /networks} endpoints, with Docker's filters; each change is an event. */
final class NetworkEndpoints implements Router.Endpoints {

    private static final Set<String> LIST_FILTERS = Set.of("dangling", "driver", "id", "label", "label!", "name", "scope", "type");
    private static final Set<String> PRUNE_FILTERS = Set.of("until", "label", "label!");
    /** The networks Docker makes itself; the rest are "custom". */
    private static final Set<String> BUILTIN = Set.of(NetworkService.DEFAULT, "host", "none");

    private final Engine engine;
    private final EngineEvents events;

    NetworkEndpoints(Engine engine, EngineEvents events) {
        this.engine = engine;
        this.events = events;
    }

    @Override
    public void register(Router router) {
        router.on("GET", "/networks", call -> {
            Filters filters = call.filters().accept(LIST_FILTERS);
            Boolean dangling = filters.bool("dangling");
            ArrayNode out = Json.MAPPER.createArrayNode();
            engine.networks().list().stream().filter(n -> matches(filters, n)
                    && (dangling == null || dangling == n.endpoints().isEmpty())).forEach(n -> out.add(view(n)));
            call.json(200, out);
        });
        router.on("POST", "/networks/prune", call -> {
            Filters filters = call.filters().accept(PRUNE_FILTERS);
            Instant until = filters.has("until") ? ContainerEndpoints.untilOf(filters.get("until").get(0)) : null;
            ArrayNode deleted = Json.MAPPER.createArrayNode();
            for (Network n : engine.networks().list()) {
                if (n.endpoints().isEmpty() && !BUILTIN.contains(n.name()) && filters.labels(n.labels())
                        && (until == null || Instant.parse(n.created()).isBefore(until))) {
                    engine.networks().remove(n.id());
                    publish(n, "destroy", Map.of());
                    deleted.add(n.name());
                }
            }
            call.json(200, Json.MAPPER.createObjectNode().set("NetworksDeleted", deleted));
        });
        router.on("GET", "/networks/([^/]+)", call -> call.json(200, view(engine.networks().inspect(call.path(1)))));
        router.on("POST", "/networks/create", call -> {
            JsonNode body = call.body();
            JsonNode subnet = body.path("IPAM").path("Config").path(0).path("Subnet");
            Network n = engine.networks().create(new NetworkService.CreateRequest(body.path("Name").asText(null),
                    body.path("Driver").asText(null), subnet.isMissingNode() ? null : subnet.asText(),
                    Json.MAPPER.convertValue(body.path("Labels"), Filters.STRING_MAP)));
            publish(n, "create", Map.of());
            call.json(201, Json.MAPPER.createObjectNode().put("Id", n.id()).put("Warning", ""));
        });
        router.on("DELETE", "/networks/([^/]+)", call -> {
            Network n = engine.networks().inspect(call.path(1));
            engine.networks().remove(n.id());
            publish(n, "destroy", Map.of());
            call.empty(204);
        });
        router.on("POST", "/networks/([^/]+)/connect", call -> {
            JsonNode body = call.body();
            List<String> aliases = new ArrayList<>();
            body.path("EndpointConfig").path("Aliases").forEach(a -> aliases.add(a.asText()));
            Network n = engine.networks().inspect(call.path(1));
            String container = engine.containers().inspect(container(body)).id();
            engine.containers().connect(container, n.name(), aliases);
            publish(n, "connect", Map.of("container", container));
            call.empty(200);
        });
        router.on("POST", "/networks/([^/]+)/disconnect", call -> {
            Network n = engine.networks().inspect(call.path(1));
            String container = engine.containers().inspect(container(call.body())).id();
            engine.containers().disconnect(container, n.name());
            publish(n, "disconnect", Map.of("container", container));
            call.empty(200);
        });
    }

    private void publish(Network n, String action, Map<String, String> extra) {
        Map<String, String> attributes = new LinkedHashMap<>(extra);
        attributes.put("name", n.name());
        attributes.put("type", n.driver());
        events.publish("network", action, n.id(), attributes);
    }

    private static boolean matches(Filters f, Network n) {
        return f.labels(n.labels())
                && f.any("id", n.id()::startsWith)
                && f.any("name", name -> Filters.regexFind(name, n.name()))
                && f.any("driver", n.driver()::equals)
                && f.any("scope", "local"::equals)
                && f.any("type", t -> t.equals(BUILTIN.contains(n.name()) ? "builtin" : "custom"));
    }

    private static String container(JsonNode body) {
        String container = body.path("Container").asText("");
        if (container.isEmpty()) {
            throw EngineException.invalid("Container: the container to connect or disconnect is required");
        }
        return container;
    }

    private static ObjectNode view(Network n) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("Name", n.name()).put("Id", n.id()).put("Created", n.created()).put("Scope", "local")
                .put("Driver", n.driver()).put("EnableIPv6", false).put("Internal", false).put("Attachable", true)
                .put("Ingress", false);
        ObjectNode ipam = o.putObject("IPAM").put("Driver", "default");
        ipam.putObject("Options");
        ipam.putArray("Config").addObject().put("Subnet", n.subnet()).put("Gateway", n.gateway());
        ObjectNode containers = o.putObject("Containers");
        n.endpoints().forEach((id, e) -> containers.putObject(id).put("Name", e.containerName()).put("EndpointID", id)
                .put("MacAddress", "").put("IPv4Address", e.ipAddress() + "/" + n.prefixLength()).put("IPv6Address", ""));
        // Docker shows driver options a network was created with, and none by default; docker-compose
        // refuses to reuse a network whose options differ from its file's ("needs to be recreated").
        ObjectNode options = o.putObject("Options");
        if (n.name().equals(NetworkService.DEFAULT)) {
            options.put("com.docker.network.bridge.name", n.bridge());
        }
        o.set("Labels", Json.MAPPER.valueToTree(n.labels()));
        return o;
    }
}
