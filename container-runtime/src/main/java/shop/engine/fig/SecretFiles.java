package shop.engine.fig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Compose's secrets kept in files: the top-level {@code secrets:} names each file
 * ({@code name: {file: ./path}}), and a service mounts some of them, by name or as
 * {@code {source, target}}, read-only at {@code /run/secrets/<target>}, as docker-compose does
 * without a swarm. A secret stays out of the image, the environment and {@code inspect}'s Env.
 * External secrets need a swarm and are refused; uid, gid and mode are not applied (docker-compose
 * ignores them too), which a warning says.
 */
final class SecretFiles {

    static final String KEY = "secrets";
    private static final String NAME = "[a-zA-Z0-9._-]+";

    private final Map<String, Path> declared;
    private final NodeReader nodes;
    private final ServiceCertificates certificates;

    private SecretFiles(Map<String, Path> declared, NodeReader nodes, ServiceCertificates certificates) {
        this.declared = declared;
        this.nodes = nodes;
        this.certificates = certificates;
    }

    /**
     * The top-level declarations (none when {@code top} is null); a missing file is an error at its
     * line. Services named by {@code certificates} mount their identity too.
     */
    static SecretFiles declared(NodeTuple top, NodeReader nodes, Path directory, ServiceCertificates certificates) {
        Map<String, Path> declared = new LinkedHashMap<>();
        if (top != null) {
            nodes.entries(top, KEY).forEach((name, entry) -> {
                String at = KEY + "." + name;
                if (!name.matches(NAME)) {
                    throw nodes.error(entry.getKeyNode(), KEY, "\"" + name + "\" is not a secret name (letters, digits, . _ -)");
                }
                Map<String, NodeTuple> options = nodes.entries(entry, at);
                for (Map.Entry<String, NodeTuple> option : options.entrySet()) {
                    if (!option.getKey().equals("file")) {
                        throw nodes.error(option.getValue().getKeyNode(), at + "." + option.getKey(),
                                option.getKey().equals("external") ? "external secrets need a swarm; use file:"
                                        : "unsupported (want file:)");
                    }
                }
                if (!options.containsKey("file")) {
                    throw nodes.error(entry.getKeyNode(), at, "a secret needs file:");
                }
                Path file = directory.resolve(nodes.scalar(options.get("file"), at + ".file")).normalize();
                if (!Files.isRegularFile(file)) {
                    throw nodes.error(options.get("file").getValueNode(), at + ".file", "no file " + file);
                }
                declared.put(name, file);
            });
        }
        return new SecretFiles(declared, nodes, certificates);
    }

    /**
     * The service's {@code secrets:} (none when absent), each a declared secret and where it is
     * mounted, then its certificates; {@code serviceKey} is the service's key path in the file.
     */
    List<ServiceSpec.Secret> mounts(NodeTuple tuple, String service, String serviceKey) {
        List<ServiceSpec.Secret> mounts = new ArrayList<>();
        if (tuple == null) {
            mounts.addAll(certificates.mounts(service));
            return mounts;
        }
        String at = serviceKey + "." + KEY;
        for (Node item : nodes.sequence(tuple, at).getValue()) {
            String source;
            String target;
            if (item instanceof ScalarNode scalar) {
                source = nodes.value(scalar);
                target = source;
            } else if (item instanceof MappingNode mapping) {
                Map<String, NodeTuple> keys = nodes.entries(mapping, at);
                for (Map.Entry<String, NodeTuple> key : keys.entrySet()) {
                    switch (key.getKey()) {
                        case "source", "target" -> { }
                        case "uid", "gid", "mode" -> nodes.warn(key.getValue().getKeyNode(),
                                at + "." + key.getKey() + " is not applied to a secret from a file, as in docker-compose");
                        default -> throw nodes.error(key.getValue().getKeyNode(), at + "." + key.getKey(),
                                "unknown key (want source, target, uid, gid or mode)");
                    }
                }
                if (!keys.containsKey("source")) {
                    throw nodes.error(item, at, "a secret needs source:");
                }
                source = nodes.scalar(keys.get("source"), at + ".source");
                target = keys.containsKey("target") ? nodes.scalar(keys.get("target"), at + ".target") : source;
            } else {
                throw nodes.error(item, at, "want a secret's name or {source, target}");
            }
            if (!declared.containsKey(source)) {
                throw nodes.error(item, at, "secret \"" + source + "\" is not declared under the top-level secrets");
            }
            String path = target.startsWith("/") ? target : "/run/secrets/" + target;
            if (path.contains(":") || List.of(path.split("/")).contains("..")) {
                throw nodes.error(item, at, "\"" + target + "\" is not a path in the container");
            }
            mounts.add(new ServiceSpec.Secret(source, declared.get(source), path));
        }
        mounts.addAll(certificates.mounts(service));
        return mounts;
    }
}
