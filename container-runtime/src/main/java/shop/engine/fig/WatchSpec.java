package shop.engine.fig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import shop.engine.dockerfile.DockerIgnore;

/**
 * What {@code fig watch} follows: each service's {@code develop.watch} rules, compose's format
 * with its {@code rebuild} action, and the stack's {@code x-fig-watch} settings:
 * <pre>
 * x-fig-watch:
 *   before_rebuild: [scripts/build-jars.sh]   # run in the file's folder before each rebuild
 *   build_args: {AOT_TRAINING: "off"}         # added to the builds a change starts
 * services:
 *   web:
 *     build: web
 *     develop:
 *       watch:
 *         - {action: rebuild, path: web/src, ignore: ["*.tmp"]}
 * </pre>
 * A path is the file's folder or under it, and exists: a typo would otherwise watch nothing.
 * docker-compose 1.x refuses {@code develop} (compose 2.22 added it), so fig reads the same rules
 * under {@code x-develop} too, a key every compose ignores.
 *
 * @param rules each watched service's rules, in the file's order
 */
public record WatchSpec(Map<String, List<Rule>> rules, List<String> beforeRebuild, Map<String, String> buildArgs) {

    static final String KEY = "x-fig-watch";
    private static final String DEVELOP = "develop";
    /** The same rules where docker-compose 1.x must read the file too: it refuses develop, and ignores x- keys. */
    private static final String EXTENSION = "x-develop";

    /** A change under {@code path} rebuilds the service, unless {@code ignore} (.dockerignore's patterns, relative to it) excludes it. */
    public record Rule(Path path, DockerIgnore ignore) {

        /** Whether a change to this file is one the rule rebuilds for. */
        boolean covers(Path file) {
            if (!file.startsWith(path)) {
                return false;
            }
            String relative = path.relativize(file).toString();
            return relative.isEmpty() || !ignore.excludes(relative);
        }
    }

    static WatchSpec read(NodeReader nodes, Path directory, NodeTuple settings, Map<String, Map<String, NodeTuple>> services,
                          Function<String, String> keyPath) {
        Map<String, List<Rule>> rules = new LinkedHashMap<>();
        services.forEach((service, keys) -> {
            String key = keys.containsKey(DEVELOP) ? DEVELOP : EXTENSION;
            if (keys.containsKey(DEVELOP) && keys.containsKey(EXTENSION)) {
                throw nodes.error(keys.get(EXTENSION).getKeyNode(), keyPath.apply(service) + "." + EXTENSION,
                        "say the rules once, under develop or " + EXTENSION);
            }
            if (keys.containsKey(key)) {
                List<Rule> read = rules(nodes, directory, keys.get(key), keys.containsKey("build"), keyPath.apply(service) + "." + key);
                if (!read.isEmpty()) {
                    rules.put(service, read);
                }
            }
        });
        List<String> before = List.of();
        Map<String, String> args = Map.of();
        if (settings != null) {
            for (Map.Entry<String, NodeTuple> e : nodes.entries(settings, KEY).entrySet()) {
                String at = KEY + "." + e.getKey();
                switch (e.getKey()) {
                    case "before_rebuild" -> before = nodes.strings(e.getValue(), at);
                    case "build_args" -> args = nodes.map(e.getValue(), at, true);
                    default -> throw nodes.error(e.getValue().getKeyNode(), at, "unknown key (want before_rebuild or build_args)");
                }
            }
        }
        return new WatchSpec(rules, before, args);
    }

    private static List<Rule> rules(NodeReader nodes, Path directory, NodeTuple develop, boolean built, String at) {
        List<Rule> rules = new ArrayList<>();
        for (Map.Entry<String, NodeTuple> e : nodes.entries(develop, at).entrySet()) {
            if (!e.getKey().equals("watch")) {
                throw nodes.error(e.getValue().getKeyNode(), at + "." + e.getKey(), "unknown key (want watch)");
            }
            for (Node item : nodes.sequence(e.getValue(), at + ".watch").getValue()) {
                if (!(item instanceof MappingNode rule)) {
                    throw nodes.error(item, at + ".watch", "each rule is a mapping of action and path");
                }
                rules.add(rule(nodes, directory, item, nodes.entries(rule, at + ".watch"), built, at + ".watch"));
            }
        }
        return rules;
    }

    private static Rule rule(NodeReader nodes, Path directory, Node item, Map<String, NodeTuple> keys, boolean built, String at) {
        for (Map.Entry<String, NodeTuple> e : keys.entrySet()) {
            if (!List.of("action", "path", "ignore").contains(e.getKey())) {
                throw nodes.error(e.getValue().getKeyNode(), at + "." + e.getKey(), "unknown key (want action, path or ignore)");
            }
        }
        if (!keys.containsKey("action") || !keys.containsKey("path")) {
            throw nodes.error(item, at, "a rule needs an action and a path");
        }
        String action = nodes.scalar(keys.get("action"), at + ".action");
        if (!action.equals("rebuild")) {
            throw nodes.error(keys.get("action").getValueNode(), at + ".action", "\"" + action
                    + "\": fig watch rebuilds only (sync, sync+restart and restart are not supported)");
        }
        if (!built) {
            throw nodes.error(keys.get("action").getValueNode(), at + ".action", "rebuild needs a build, and the service has none");
        }
        NodeTuple pathKey = keys.get("path");
        Path path = directory.resolve(nodes.scalar(pathKey, at + ".path")).normalize();
        if (!path.startsWith(directory)) {
            throw nodes.error(pathKey.getValueNode(), at + ".path", path + " is outside the project's folder " + directory);
        }
        try {
            if (!path.toRealPath().startsWith(directory.toRealPath())) {
                throw nodes.error(pathKey.getValueNode(), at + ".path", path + " leads outside the project's folder " + directory);
            }
        } catch (IOException e) {
            throw nodes.error(pathKey.getValueNode(), at + ".path", "no such file or folder: " + path);
        }
        List<String> ignore = nodes.strings(keys.get("ignore"), at + ".ignore");
        return new Rule(path, new DockerIgnore(String.join("\n", ignore)));
    }

    /** The watched services among those named (all watched ones when none is). */
    public List<String> services(List<String> named) {
        if (rules.isEmpty()) {
            throw new FigException("no service has develop.watch rules to follow");
        }
        for (String service : named) {
            if (!rules.containsKey(service)) {
                throw new FigException("service " + service + " has no develop.watch rules");
            }
        }
        return named.isEmpty() ? List.copyOf(rules.keySet()) : named;
    }
}
