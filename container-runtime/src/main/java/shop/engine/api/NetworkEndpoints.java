package shop.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import shop.engine.Engine;
import shop.engine.EngineException;
import shop.engine.Json;
import shop.engine.container.Container;
import shop.engine.network.Endpoint;
import shop.engine.network.Network;
import shop.engine.network.NetworkService;
import shop.engine.network.PortProxy;

/** Docker's {@code /networks} endpoints, and the network part of the container views. */
final class NetworkEndpoints {

    private final Engine engine;

    NetworkEndpoints(Engine engine) {
        this.engine = engine;
    }

    void register(ApiHandler api) {
        api.on("GET", "/networks", (m, rq, rs, q) -> {
            Filters filters = Filters.parse(q.getValue("filters"));
            ArrayNode out = Json.MAPPER.createArrayNode();
            engine.networks().list().stream().filter(n -> filters.matches(n.id(), n.name(), n.labels()))
                    .forEach(n -> out.add(view(n)));
            ApiHandler.json(rs, 200, out);
        });
        api.on("GET", "/networks/([^/]+)", (m, rq, rs, q) -> ApiHandler.json(rs, 200, view(engine.networks().inspect(m.group(1)))));
        api.on("POST", "/networks/create", (m, rq, rs, q) -> {
            JsonNode body = ApiHandler.body(rq);
            JsonNode subnet = body.path("IPAM").path("Config").path(0).path("Subnet");
            Network n = engine.networks().create(new NetworkService.CreateRequest(body.path("Name").asText(null),
                    body.path("Driver").asText(null), subnet.isMissingNode() ? null : subnet.asText(),
                    Json.MAPPER.convertValue(body.path("Labels"), Filters.STRING_MAP)));
            ApiHandler.json(rs, 201, Json.MAPPER.createObjectNode().put("Id", n.id()).put("Warning", ""));
        });
        api.on("DELETE", "/networks/([^/]+)", (m, rq, rs, q) -> {
            engine.networks().remove(m.group(1));
            ApiHandler.empty(rs, 204);
        });
        api.on("POST", "/networks/([^/]+)/connect", (m, rq, rs, q) -> {
            JsonNode body = ApiHandler.body(rq);
            List<String> aliases = new ArrayList<>();
            body.path("EndpointConfig").path("Aliases").forEach(a -> aliases.add(a.asText()));
            engine.containers().connect(container(body), engine.networks().inspect(m.group(1)).name(), aliases);
            ApiHandler.empty(rs, 200);
        });
        api.on("POST", "/networks/([^/]+)/disconnect", (m, rq, rs, q) -> {
            engine.containers().disconnect(container(ApiHandler.body(rq)), engine.networks().inspect(m.group(1)).name());
            ApiHandler.empty(rs, 200);
        });
        api.on("POST", "/networks/prune", (m, rq, rs, q) -> {
            Filters filters = Filters.parse(q.getValue("filters"));
            ArrayNode deleted = Json.MAPPER.createArrayNode();
            for (Network n : engine.networks().list()) {
                if (n.endpoints().isEmpty() && !n.name().equals(NetworkService.DEFAULT) && filters.matches(n.id(), n.name(), n.labels())) {
                    engine.networks().remove(n.id());
                    deleted.add(n.name());
                }
            }
            ApiHandler.json(rs, 200, Json.MAPPER.createObjectNode().set("NetworksDeleted", deleted));
        });
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
        o.putObject("Options").put("com.docker.network.bridge.name", n.bridge());
        o.set("Labels", Json.MAPPER.valueToTree(n.labels()));
        return o;
    }

    /** NetworkSettings as inspect shows it: published ports and one entry per network. */
    ObjectNode settings(Container c, List<Network> networks) {
        ObjectNode settings = Json.MAPPER.createObjectNode();
        ObjectNode ports = settings.putObject("Ports");
        if (c.config().exposedPorts() != null) {
            c.config().exposedPorts().keySet().forEach(p -> ports.putNull(p.contains("/") ? p : p + "/tcp"));
        }
        for (PortProxy.Binding b : c.ports()) {
            JsonNode existing = ports.get(b.containerPort());
            ArrayNode hosts = existing != null && existing.isArray() ? (ArrayNode) existing : ports.putArray(b.containerPort());
            hosts.addObject().put("HostIp", b.hostIp()).put("HostPort", String.valueOf(b.hostPort()));
        }
        ObjectNode byName = settings.putObject("Networks");
        settings.put("IPAddress", "").put("Gateway", "").put("IPPrefixLen", 0).put("MacAddress", "");
        if (!c.hostConfig().joinsNetwork()) {
            byName.putObject(c.hostConfig().networkMode()).put("IPAddress", "").put("Gateway", "");
            return settings;
        }
        settings.put("SandboxKey", engine.networks().namespace(c.id()).toString());
        for (Map.Entry<Network, Endpoint> entry : endpoints(c, networks).entrySet()) {
            Network n = entry.getKey();
            Endpoint e = entry.getValue();
            ObjectNode net = byName.putObject(n.name()).put("NetworkID", n.id()).put("EndpointID", c.id())
                    .put("Gateway", n.gateway()).put("IPAddress", e.ipAddress()).put("IPPrefixLen", n.prefixLength())
                    .put("MacAddress", "");
            e.aliases().forEach(net.putArray("Aliases")::add);
            ArrayNode dnsNames = net.putArray("DNSNames");
            dnsNames.add(c.name());
            e.aliases().forEach(dnsNames::add);
            if (n.name().equals(c.hostConfig().networkMode())) {
                settings.put("IPAddress", e.ipAddress()).put("Gateway", n.gateway()).put("IPPrefixLen", n.prefixLength());
            }
        }
        return settings;
    }

    /** The ports column of {@code GET /containers/json}. */
    static ArrayNode portList(Container c) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (PortProxy.Binding b : c.ports()) {
            out.addObject().put("IP", b.hostIp()).put("PrivatePort", b.privatePort()).put("PublicPort", b.hostPort()).put("Type", "tcp");
        }
        return out;
    }

    private static Map<Network, Endpoint> endpoints(Container c, List<Network> networks) {
        Map<Network, Endpoint> result = new LinkedHashMap<>();
        for (Network n : networks) {
            Endpoint e = n.endpoints().get(c.id());
            if (e != null) {
                result.put(n, e);
            }
        }
        return result;
    }
}
