package shop.engine.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import shop.engine.support.EngineException;
import shop.engine.support.Json;

/**
 * Docker's list filters: {@code {"label":["k=v"],"name":["x"]}} or the older
 * {@code {"label":{"k=v":true}}}. Values of one key are alternatives (any may match), keys must
 * all match, except {@code label}, where every value must hold. A malformed document or a key
 * the resource does not know is a 400 naming it, as dockerd answers.
 */
record Filters(Map<String, List<String>> values) {

    static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() { };

    static final Filters NONE = new Filters(Map.of());

    static Filters parse(String json) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        if (json == null || json.isEmpty()) {
            return new Filters(values);
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw EngineException.invalid("filters: invalid JSON: " + json);
        }
        if (root == null || !root.isObject()) {
            throw EngineException.invalid("filters: want a JSON object such as {\"label\":[\"a=b\"]}, got " + json);
        }
        root.fields().forEachRemaining(f -> {
            List<String> list = new ArrayList<>();
            if (f.getValue().isArray()) {
                f.getValue().forEach(v -> list.add(textOf(f.getKey(), v)));
            } else if (f.getValue().isObject()) {
                f.getValue().fieldNames().forEachRemaining(list::add);
            } else {
                throw EngineException.invalid("filters: \"" + f.getKey() + "\" must map to a list of strings");
            }
            values.put(f.getKey(), list);
        });
        return new Filters(values);
    }

    private static String textOf(String key, JsonNode value) {
        if (!value.isValueNode()) {
            throw EngineException.invalid("filters: \"" + key + "\" must map to a list of strings");
        }
        return value.asText();
    }

    /** Refuses a key outside {@code known}, as dockerd does ("invalid filter 'x'"). */
    Filters accept(Set<String> known) {
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                throw EngineException.invalid("invalid filter '" + key + "'");
            }
        }
        return this;
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    List<String> get(String key) {
        return values.getOrDefault(key, List.of());
    }

    /** True when the key is absent or any of its values passes the test. */
    boolean any(String key, Predicate<String> test) {
        return !has(key) || get(key).stream().anyMatch(test);
    }

    /** Every {@code label} value ({@code key} or {@code key=value}) holds on these labels, and no {@code label!} one does. */
    boolean labels(Map<String, String> labels) {
        Map<String, String> present = labels == null ? Map.of() : labels;
        return get("label").stream().allMatch(l -> hasLabel(present, l))
                && get("label!").stream().noneMatch(l -> hasLabel(present, l));
    }

    /** A boolean filter such as {@code dangling}: null when absent; a 400 for anything but true/false/1/0. */
    Boolean bool(String key) {
        if (!has(key)) {
            return null;
        }
        List<String> v = get(key);
        if (v.size() != 1) {
            throw EngineException.invalid("filters: \"" + key + "\" takes one value, true or false");
        }
        return switch (v.get(0).toLowerCase()) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw EngineException.invalid("filters: invalid value for '" + key + "': " + v.get(0));
        };
    }

    /** Docker matches names as regular expressions; a bad one is the client's error. */
    static boolean regexFind(String pattern, String text) {
        try {
            return Pattern.compile(pattern).matcher(text).find();
        } catch (PatternSyntaxException e) {
            throw EngineException.invalid("filters: \"" + pattern + "\" is not a valid regular expression");
        }
    }

    private static boolean hasLabel(Map<String, String> labels, String filter) {
        int eq = filter.indexOf('=');
        return eq < 0 ? labels.containsKey(filter) : filter.substring(eq + 1).equals(labels.get(filter.substring(0, eq)));
    }
}
