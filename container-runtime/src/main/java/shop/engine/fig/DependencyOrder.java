package shop.engine.fig;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.yaml.snakeyaml.nodes.Node;

/** Start order: every service after what it depends on, otherwise in the file's order; a cycle is an error that shows it. */
final class DependencyOrder {

    private DependencyOrder() {
    }

    /** {@code at} gives a node's place in the file, {@code keyPath} a service's key path there. */
    static List<ServiceSpec> sort(Map<String, ServiceSpec> services, Map<String, Node> keyNodes, Function<Node, String> at,
                                  UnaryOperator<String> keyPath) {
        List<ServiceSpec> ordered = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        Function<String, String> where = name -> at.apply(keyNodes.get(name)) + ": " + keyPath.apply(name);
        for (String name : services.keySet()) {
            visit(name, services, where, new ArrayList<>(), done, ordered);
        }
        return ordered;
    }

    private static void visit(String name, Map<String, ServiceSpec> services, Function<String, String> where,
                              List<String> path, Set<String> done, List<ServiceSpec> ordered) {
        if (done.contains(name)) {
            return;
        }
        if (path.contains(name)) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(name), path.size()));
            cycle.add(name);
            throw new FigException(where.apply(name) + ".depends_on: a dependency cycle: "
                    + String.join(" -> ", cycle));
        }
        ServiceSpec service = services.get(name);
        path.add(name);
        for (String dependency : service.dependsOn().keySet()) {
            if (!services.containsKey(dependency)) {
                throw new FigException(where.apply(name) + ".depends_on: no service \"" + dependency
                        + "\" (or it is in a profile that is not enabled)");
            }
            visit(dependency, services, where, path, done, ordered);
        }
        path.remove(path.size() - 1);
        done.add(name);
        ordered.add(service);
    }
}
