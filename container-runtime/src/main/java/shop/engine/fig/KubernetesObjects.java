package shop.engine.fig;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The shapes Kubernetes objects are written in: ordered maps, names that are DNS labels, the labels every object carries. */
final class KubernetesObjects {

    private KubernetesObjects() {
    }

    /** An object of {@code kind} named {@code name}, labelled as part of the project {@code partOf}. */
    static Map<String, Object> object(String apiVersion, String kind, String name, String partOf) {
        return map("apiVersion", apiVersion, "kind", kind, "metadata", map("name", name, "labels", labels(name, partOf)));
    }

    static Map<String, Object> labels(String name, String partOf) {
        return map("app.kubernetes.io/name", name, "app.kubernetes.io/part-of", dnsLabel(partOf));
    }

    /** An ordered map from key, value pairs, so the YAML keeps the order Kubernetes users read. */
    static Map<String, Object> map(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    static void putIfPresent(Map<String, Object> map, String key, Object value) {
        boolean empty = value == null || value instanceof List<?> list && list.isEmpty() || value instanceof Map<?, ?> m && m.isEmpty();
        if (!empty) {
            map.put(key, value);
        }
    }

    static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** An object name as Kubernetes takes it (an RFC 1123 label): lower-case letters, digits and '-', at most 63. */
    static String dnsLabel(String name) {
        String label = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        return label.length() > 63 ? label.substring(0, 63).replaceAll("-+$", "") : label;
    }
}
