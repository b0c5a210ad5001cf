package shop.engine.fig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.yaml.snakeyaml.nodes.NodeTuple;

/**
 * What services say of each other besides depends_on, as compose counts it: a link, a
 * volumes_from service, and a network, pid or ipc namespace shared with {@code service:NAME}
 * each make the other service start first. On the stack's networks a link's alias is one more
 * name of the linked service there; on Docker's default bridge (Fig 1.0) links stay Docker's links.
 */
final class ServiceReferences {

    private final Map<String, List<String>> links = new LinkedHashMap<>();

    /** {@code services} are the enabled services' keys; {@code keyPath} gives a service's path in the file. */
    ServiceReferences(Map<String, Map<String, NodeTuple>> services, NodeReader nodes, UnaryOperator<String> keyPath) {
        services.forEach((name, keys) -> {
            String key = keyPath.apply(name) + ".links";
            List<String> own = nodes.strings(keys.get("links"), key);
            for (String link : own) {
                String target = link.split(":", 2)[0];
                if (!link.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*(:[a-zA-Z0-9][a-zA-Z0-9_.-]*)?")) {
                    throw nodes.error(keys.get("links").getValueNode(), key, "\"" + link + "\" is not SERVICE[:ALIAS]");
                }
                if (!services.containsKey(target)) {
                    throw nodes.error(keys.get("links").getValueNode(), key,
                            "no service \"" + target + "\" (or it is in a profile that is not enabled)");
                }
            }
            links.put(name, own);
        });
    }

    /** The service's links as written, {@code service[:alias]}. */
    List<String> links(String service) {
        return links.getOrDefault(service, List.of());
    }

    /** The service's networks, each with the aliases that other services' links give it added. */
    Map<String, List<String>> withLinkAliases(String service, Map<String, List<String>> networks) {
        List<String> aliases = links.values().stream().flatMap(List::stream)
                .map(link -> link.split(":", 2))
                .filter(parts -> parts.length == 2 && parts[0].equals(service))
                .map(parts -> parts[1]).distinct().toList();
        Map<String, List<String>> result = new LinkedHashMap<>();
        networks.forEach((network, own) -> result.put(network,
                Stream.concat(own.stream(), aliases.stream().filter(a -> !own.contains(a))).toList()));
        return result;
    }

    /** depends_on, then every other service this one names, each needing only to have started. */
    Map<String, ServiceSpec.Condition> dependencies(String service, Map<String, ServiceSpec.Condition> declared,
                                                    ContainerOptions options) {
        Map<String, ServiceSpec.Condition> all = new LinkedHashMap<>(declared);
        List<String> named = new ArrayList<>();
        links(service).forEach(link -> named.add(link.split(":", 2)[0]));
        options.volumesFrom().stream().filter(v -> !v.startsWith("container:")).forEach(v -> named.add(v.split(":")[0]));
        Stream.of(options.networkMode(), options.pid(), options.ipc()).map(ContainerOptions::serviceOf)
                .filter(s -> s != null).forEach(named::add);
        named.forEach(s -> all.putIfAbsent(s, ServiceSpec.Condition.SERVICE_STARTED));
        return all;
    }
}
