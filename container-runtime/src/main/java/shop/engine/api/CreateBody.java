package shop.engine.api;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import shop.engine.container.ContainerService;
import shop.engine.container.HostConfig;
import shop.engine.image.ContainerConfig;
import shop.engine.support.EngineException;
import shop.engine.support.Json;

/**
 * Docker's create body (Config, with HostConfig and NetworkingConfig inside) as a create request.
 * Every field is first held against {@link CreateFields}, so one the engine would not honour is
 * a 400 naming it rather than dropped; a value of the wrong shape is a 400 naming its path.
 */
final class CreateBody {

    private CreateBody() {
    }

    /** @param runtime the engine's OCI runtime, the one HostConfig.Runtime may name */
    static ContainerService.CreateRequest read(String name, JsonNode body, String runtime) throws IOException {
        if (!body.isObject()) {
            throw EngineException.invalid("the create body must be a JSON object");
        }
        new CreateFields(runtime).check(body);
        ObjectNode config = (ObjectNode) body.deepCopy();
        JsonNode entrypoint = config.get("Entrypoint");
        if (entrypoint != null && entrypoint.isTextual()) {
            config.set("Entrypoint", Json.MAPPER.createArrayNode().add(entrypoint.asText()));
        }
        JsonNode hostNode = config.remove("HostConfig");
        if (hostNode != null && !hostNode.isNull() && !hostNode.isObject()) {
            throw EngineException.invalid("HostConfig: want an object");
        }
        HostConfig host = hostNode != null && hostNode.isObject() ? map(hostNode, HostConfig.class, "HostConfig") : null;
        Map<String, List<String>> networks = new LinkedHashMap<>();
        config.path("NetworkingConfig").path("EndpointsConfig").fields().forEachRemaining(e ->
                networks.put(e.getKey(), strings(e.getValue().path("Aliases"))));
        config.remove("NetworkingConfig");
        ContainerConfig containerConfig = map(config, ContainerConfig.class, "");
        return new ContainerService.CreateRequest(name, body.path("Image").asText(null), containerConfig, host, networks);
    }

    /** The record, or a 400 that names the field whose value did not fit (or the record's own refusal). */
    private static <T> T map(JsonNode node, Class<T> type, String prefix) throws IOException {
        try {
            return Json.MAPPER.treeToValue(node, type);
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof EngineException refused) {
                throw refused;
            }
            String path = e.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining());
            String field = (prefix + path).replaceFirst("^\\.", "");
            throw EngineException.invalid((field.isEmpty() ? prefix : field) + ": " + e.getOriginalMessage());
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
