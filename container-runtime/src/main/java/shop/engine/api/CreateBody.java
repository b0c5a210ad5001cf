package shop.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import shop.engine.EngineException;
import shop.engine.Json;
import shop.engine.container.ContainerService;
import shop.engine.container.HostConfig;
import shop.engine.image.ContainerConfig;

/** Docker's create body (Config, with HostConfig and NetworkingConfig inside) as a create request. */
final class CreateBody {

    private CreateBody() {
    }

    static ContainerService.CreateRequest read(String name, JsonNode body) throws IOException {
        if (!body.isObject()) {
            throw EngineException.invalid("the create body must be a JSON object");
        }
        ObjectNode config = (ObjectNode) body.deepCopy();
        JsonNode entrypoint = config.get("Entrypoint");
        if (entrypoint != null && entrypoint.isTextual()) {
            config.set("Entrypoint", Json.MAPPER.createArrayNode().add(entrypoint.asText()));
        }
        JsonNode hostNode = config.remove("HostConfig");
        HostConfig host = hostNode != null && hostNode.isObject() ? Json.MAPPER.treeToValue(hostNode, HostConfig.class) : null;
        Map<String, List<String>> networks = new LinkedHashMap<>();
        config.path("NetworkingConfig").path("EndpointsConfig").fields().forEachRemaining(e ->
                networks.put(e.getKey(), strings(e.getValue().path("Aliases"))));
        config.remove("NetworkingConfig");
        ContainerConfig containerConfig = Json.MAPPER.treeToValue(config, ContainerConfig.class);
        return new ContainerService.CreateRequest(name, body.path("Image").asText(null), containerConfig, host, networks);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
