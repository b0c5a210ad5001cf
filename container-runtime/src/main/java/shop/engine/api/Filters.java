package shop.engine.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import shop.engine.EngineException;
import shop.engine.Json;

/** Docker's list filters: {@code {"label":["k=v"],"name":["x"]}} or the older {@code {"label":{"k=v":true}}}. */
record Filters(Map<String, List<String>> values) {

    static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() { };

    static Filters parse(String json) throws IOException {
        Map<String, List<String>> values = new LinkedHashMap<>();
        if (json != null && !json.isEmpty()) {
            JsonNode root = Json.MAPPER.readTree(json);
            if (!root.isObject()) {
                throw EngineException.invalid("filters: want a JSON object such as {\"label\":[\"a=b\"]}");
            }
            root.fields().forEachRemaining(f -> {
                List<String> list = new ArrayList<>();
                if (f.getValue().isArray()) {
                    f.getValue().forEach(v -> list.add(v.asText()));
                } else {
                    f.getValue().fieldNames().forEachRemaining(list::add);
                }
                values.put(f.getKey(), list);
            });
        }
        return new Filters(values);
    }

    boolean matches(String id, String name, Map<String, String> labels) {
        for (Map.Entry<String, List<String>> f : values.entrySet()) {
            boolean ok = switch (f.getKey()) {
                case "name" -> f.getValue().stream().anyMatch(name::contains);
                case "id" -> f.getValue().stream().anyMatch(id::startsWith);
                case "label" -> f.getValue().stream().allMatch(l -> hasLabel(labels, l));
                default -> true;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasLabel(Map<String, String> labels, String filter) {
        int eq = filter.indexOf('=');
        return eq < 0 ? labels.containsKey(filter) : filter.substring(eq + 1).equals(labels.get(filter.substring(0, eq)));
    }
}
