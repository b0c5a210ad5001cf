package shop.engine.fig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import shop.engine.dockerfile.ShellWords;
import shop.engine.support.EngineException;
import shop.engine.support.Json;

/**
 * One service of a stack's file read into a {@link ServiceSpec}: each of its keys checked and
 * converted, an error naming the line and the key path as it is in the file, and YAML 1.1's
 * surprises caught where they are (a port {@code 22:22} read as the number 1342). The container
 * options among its keys are {@link ContainerOptionsReader}'s.
 */
final class ServiceReader {

    private final NodeReader nodes;
    private final Path directory;
    private final boolean fig10;
    private final List<String> declaredVolumes;
    private final List<String> declaredNetworks;
    private final SecretFiles secretFiles;
    private final ServiceReferences references;
    /** A service's key path as it is in the file: {@code services.web}, or {@code web} in a Fig 1.0 file. */
    private final Function<String, String> keyPath;

    ServiceReader(NodeReader nodes, Path directory, boolean fig10, List<String> declaredVolumes, List<String> declaredNetworks,
                  SecretFiles secretFiles, ServiceReferences references, Function<String, String> keyPath) {
        this.nodes = nodes;
        this.directory = directory;
        this.fig10 = fig10;
        this.declaredVolumes = declaredVolumes;
        this.declaredNetworks = declaredNetworks;
        this.secretFiles = secretFiles;
        this.references = references;
        this.keyPath = keyPath;
    }

    /** The service {@code name} of the file, whose key in the file is {@code keyNode}. */
    ServiceSpec read(String name, Map<String, NodeTuple> keys, Node keyNode, String project, Set<String> serviceNames) {
        String at = keyPath.apply(name);
        ServiceSpec.Build build = keys.containsKey("build") ? build(keys, at) : null;
        if (build == null && keys.containsKey("dockerfile")) {
            throw nodes.error(keys.get("dockerfile").getKeyNode(), at + ".dockerfile", "names the Dockerfile of a build, and the service has none");
        }
        String image = keys.containsKey("image") ? nodes.scalar(keys.get("image"), at + ".image") : null;
        if (image == null && build == null) {
            throw new FigException(nodes.at(keyNode) + ": " + at + ": a service needs an image or a build");
        }
        if (image == null) {
            image = project + "_" + name;
        }
        Map<String, String> environment = EnvFiles.read(keys.get("env_file"), at + ".env_file", directory, nodes);
        environment.putAll(nodes.map(keys.get("environment"), at + ".environment", true));
        Map<String, NodeTuple> deploy = keys.containsKey("deploy") ? nodes.entries(keys.get("deploy"), at + ".deploy") : Map.of();
        int replicas = deploy.containsKey("replicas") ? nodes.integer(deploy.get("replicas"), at + ".deploy.replicas")
                : keys.containsKey("scale") ? nodes.integer(keys.get("scale"), at + ".scale") : 1;
        long memory = keys.containsKey("mem_limit") ? nodes.size(keys.get("mem_limit"), at + ".mem_limit") : 0;
        double cpus = keys.containsKey("cpus") ? nodes.number(keys.get("cpus"), at + ".cpus") : 0;
        if (deploy.containsKey("resources")) {
            Map<String, NodeTuple> resources = nodes.entries(deploy.get("resources"), at + ".deploy.resources");
            if (resources.containsKey("limits")) {
                Map<String, NodeTuple> limits = nodes.entries(resources.get("limits"), at + ".deploy.resources.limits");
                if (limits.containsKey("memory")) {
                    memory = nodes.size(limits.get("memory"), at + ".deploy.resources.limits.memory");
                }
                if (limits.containsKey("cpus")) {
                    cpus = nodes.number(limits.get("cpus"), at + ".deploy.resources.limits.cpus");
                }
            }
        }
        if (fig10 && keys.containsKey("networks")) {
            throw nodes.error(keys.get("networks").getKeyNode(), at + ".networks",
                    "a Fig 1.0 file has no networks; put the services under services: to use them");
        }
        ContainerOptions options = ContainerOptionsReader.read(nodes, keys, at, serviceNames, fig10);
        if (options.containerName() != null && replicas > 1) {
            throw nodes.error(keys.get("container_name").getValueNode(), at + ".container_name",
                    "a fixed name allows one container, and the service asks for " + replicas);
        }
        Map<String, List<String>> serviceNetworks = options.networkMode() != null ? Map.of()
                : references.withLinkAliases(name, networks(keys.get("networks"), at));
        ServiceSpec spec = new ServiceSpec(name, image, build, command(keys.get("command"), at + ".command"),
                command(keys.get("entrypoint"), at + ".entrypoint"), environment, ports(keys.get("ports"), at),
                nodes.strings(keys.get("expose"), at + ".expose"), volumes(keys.get("volumes"), at),
                secretFiles.mounts(keys.get(SecretFiles.KEY), name, at), serviceNetworks,
                references.dependencies(name, dependsOn(keys.get("depends_on"), at), options), references.links(name),
                healthcheck(keys.get("healthcheck"), at), memory, cpus, replicas,
                keys.containsKey("restart") ? restart(keys.get("restart"), at) : null,
                nodes.map(keys.get("labels"), at + ".labels", false),
                keys.containsKey("user") ? nodes.scalar(keys.get("user"), at + ".user") : null,
                keys.containsKey("working_dir") ? nodes.scalar(keys.get("working_dir"), at + ".working_dir") : null,
                keys.containsKey("stop_signal") ? nodes.scalar(keys.get("stop_signal"), at + ".stop_signal") : null,
                options, "");
        return spec.withConfigHash(hash(spec));
    }

    /** The hash changes with anything the containers are made from; compose's config-hash label carries it. */
    private static String hash(ServiceSpec s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Json.bytes(s)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** {@code build: DIR}, with Fig 1.0's {@code dockerfile:} beside it, or compose's mapping. */
    private ServiceSpec.Build build(Map<String, NodeTuple> service, String at) {
        NodeTuple tuple = service.get("build");
        NodeTuple figDockerfile = service.get("dockerfile");
        if (tuple.getValueNode() instanceof ScalarNode) {
            String dockerfile = figDockerfile != null ? nodes.scalar(figDockerfile, at + ".dockerfile") : "Dockerfile";
            return new ServiceSpec.Build(context(tuple, nodes.scalar(tuple, at + ".build"), at + ".build"), dockerfile, Map.of());
        }
        if (figDockerfile != null) {
            throw nodes.error(figDockerfile.getKeyNode(), at + ".dockerfile", "with a build mapping, say it as build.dockerfile");
        }
        Map<String, NodeTuple> keys = nodes.entries(tuple, at + ".build");
        for (Map.Entry<String, NodeTuple> e : keys.entrySet()) {
            if (!Set.of("context", "dockerfile", "args", "target", "labels", "network", "cache_from").contains(e.getKey())) {
                throw nodes.error(e.getValue().getKeyNode(), at + ".build." + e.getKey(), "unknown key");
            }
        }
        String context = keys.containsKey("context") ? nodes.scalar(keys.get("context"), at + ".build.context") : ".";
        String dockerfile = keys.containsKey("dockerfile") ? nodes.scalar(keys.get("dockerfile"), at + ".build.dockerfile") : "Dockerfile";
        return new ServiceSpec.Build(context(tuple, context, at + ".build.context"), dockerfile,
                nodes.map(keys.get("args"), at + ".build.args", true));
    }

    private Path context(NodeTuple tuple, String context, String key) {
        Path dir = directory.resolve(context).normalize();
        if (!Files.isDirectory(dir)) {
            throw nodes.error(tuple.getValueNode(), key, "no directory " + dir);
        }
        return dir;
    }

    private List<String> command(NodeTuple tuple, String key) {
        if (tuple == null) {
            return null;
        }
        if (tuple.getValueNode() instanceof ScalarNode) {
            try {
                return ShellWords.split(nodes.scalar(tuple, key), '\\');
            } catch (EngineException e) {
                throw nodes.error(tuple.getValueNode(), key, e.getMessage());
            }
        }
        return nodes.strings(tuple, key);
    }

    /** Ports as docker's publish syntax; an unquoted {@code 22:22} is refused, since YAML 1.1 reads it as 1342. */
    private List<String> ports(NodeTuple tuple, String service) {
        List<String> ports = new ArrayList<>();
        if (tuple == null) {
            return ports;
        }
        for (Node item : nodes.sequence(tuple, service + ".ports").getValue()) {
            if (!(item instanceof ScalarNode scalar)) {
                throw nodes.error(item, service + ".ports", "each port is a string such as \"8080:80\"");
            }
            if (scalar.getTag().equals(Tag.INT) && scalar.getValue().contains(":")) {
                throw nodes.error(item, service + ".ports", scalar.getValue() + " is read by YAML 1.1 as the base-60 number "
                        + sexagesimal(scalar.getValue()) + "; quote it: \"" + scalar.getValue() + "\"");
            }
            String port = nodes.value(scalar);
            if (!port.matches("((\\d{1,3}(\\.\\d{1,3}){3}:)?(\\d{1,5})?:)?\\d{1,5}(/tcp)?")) {
                throw nodes.error(item, service + ".ports", "\"" + port + "\" is not [ip:][host:]container[/tcp] (tcp, no ranges)");
            }
            ports.add(port);
        }
        return ports;
    }

    private static long sexagesimal(String text) {
        long value = 0;
        for (String part : text.split(":")) {
            value = value * 60 + Long.parseLong(part);
        }
        return value;
    }

    private List<String> volumes(NodeTuple tuple, String service) {
        List<String> volumes = new ArrayList<>();
        if (tuple == null) {
            return volumes;
        }
        for (Node item : nodes.sequence(tuple, service + ".volumes").getValue()) {
            if (!(item instanceof ScalarNode scalar)) {
                throw nodes.error(item, service + ".volumes", "use the short syntax, source:target[:ro]");
            }
            String volume = nodes.value(scalar);
            String[] parts = volume.split(":");
            if (parts.length == 1) {
                // An anonymous volume: the image's VOLUME would give one too; nothing to bind.
                continue;
            }
            if (parts.length > 3 || !parts[1].startsWith("/")) {
                throw nodes.error(item, service + ".volumes", "\"" + volume + "\" is not source:/target[:ro]");
            }
            String source = parts[0];
            if (source.startsWith(".") || source.startsWith("/") || source.startsWith("~")) {
                Path host = source.startsWith("~") ? Path.of(System.getProperty("user.home"), source.substring(1))
                        : directory.resolve(source).normalize();
                source = host.toString();
            } else if (!fig10 && !declaredVolumes.contains(source)) {
                throw nodes.error(item, service + ".volumes", "named volume \"" + source + "\" is not declared under the top-level volumes");
            }
            volumes.add(source + ":" + parts[1] + (parts.length == 3 ? ":" + parts[2] : ""));
        }
        return volumes;
    }

    private Map<String, List<String>> networks(NodeTuple tuple, String service) {
        Map<String, List<String>> networks = new LinkedHashMap<>();
        if (tuple == null) {
            networks.put("default", List.of());
            return networks;
        }
        Node value = tuple.getValueNode();
        if (value instanceof SequenceNode) {
            nodes.strings(tuple, service + ".networks").forEach(n -> networks.put(n, List.of()));
        } else {
            for (Map.Entry<String, NodeTuple> e : nodes.entries(tuple, service + ".networks").entrySet()) {
                String key = service + ".networks." + e.getKey();
                List<String> aliases = e.getValue().getValueNode() instanceof MappingNode m
                        ? nodes.strings(nodes.entries(m, key).get("aliases"), key + ".aliases") : List.of();
                networks.put(e.getKey(), aliases);
            }
        }
        for (String network : networks.keySet()) {
            if (!declaredNetworks.contains(network)) {
                throw nodes.error(value, service + ".networks", "network \"" + network + "\" is not declared under the top-level networks");
            }
        }
        return networks;
    }

    private Map<String, ServiceSpec.Condition> dependsOn(NodeTuple tuple, String service) {
        Map<String, ServiceSpec.Condition> dependsOn = new LinkedHashMap<>();
        if (tuple == null) {
            return dependsOn;
        }
        if (tuple.getValueNode() instanceof SequenceNode) {
            nodes.strings(tuple, service + ".depends_on").forEach(d -> dependsOn.put(d, ServiceSpec.Condition.SERVICE_STARTED));
            return dependsOn;
        }
        for (Map.Entry<String, NodeTuple> e : nodes.entries(tuple, service + ".depends_on").entrySet()) {
            ServiceSpec.Condition condition = ServiceSpec.Condition.SERVICE_STARTED;
            if (e.getValue().getValueNode() instanceof MappingNode m) {
                NodeTuple c = nodes.entries(m, service + ".depends_on." + e.getKey()).get("condition");
                if (c != null) {
                    String text = nodes.scalar(c, service + ".depends_on." + e.getKey() + ".condition");
                    try {
                        condition = ServiceSpec.Condition.valueOf(text.toUpperCase());
                    } catch (IllegalArgumentException bad) {
                        throw nodes.error(c.getValueNode(), service + ".depends_on." + e.getKey() + ".condition",
                                "\"" + text + "\": want service_started, service_healthy or service_completed_successfully");
                    }
                }
            }
            dependsOn.put(e.getKey(), condition);
        }
        return dependsOn;
    }

    private ServiceSpec.Healthcheck healthcheck(NodeTuple tuple, String service) {
        if (tuple == null) {
            return null;
        }
        String key = service + ".healthcheck";
        Map<String, NodeTuple> keys = nodes.entries(tuple, key);
        if (keys.containsKey("disable") && Boolean.parseBoolean(nodes.scalar(keys.get("disable"), key + ".disable"))) {
            return new ServiceSpec.Healthcheck(List.of("NONE"), 0, 0, 0, 0, 0);
        }
        NodeTuple test = keys.get("test");
        if (test == null) {
            throw nodes.error(tuple.getValueNode(), key, "a healthcheck needs a test");
        }
        List<String> command = test.getValueNode() instanceof ScalarNode
                ? List.of("CMD-SHELL", nodes.scalar(test, key + ".test")) : nodes.strings(test, key + ".test");
        if (!List.of("CMD", "CMD-SHELL", "NONE").contains(command.get(0))) {
            throw nodes.error(test.getValueNode(), key + ".test", "a list starts with CMD, CMD-SHELL or NONE");
        }
        return new ServiceSpec.Healthcheck(command, nodes.duration(keys.get("interval"), key + ".interval"),
                nodes.duration(keys.get("timeout"), key + ".timeout"), nodes.duration(keys.get("start_period"), key + ".start_period"),
                nodes.duration(keys.get("start_interval"), key + ".start_interval"),
                keys.containsKey("retries") ? nodes.integer(keys.get("retries"), key + ".retries") : 0);
    }

    private String restart(NodeTuple tuple, String service) {
        String policy = nodes.scalar(tuple, service + ".restart");
        if (!policy.matches("no|always|unless-stopped|on-failure(:\\d+)?")) {
            throw nodes.error(tuple.getValueNode(), service + ".restart", "\"" + policy + "\": want no, always, unless-stopped or on-failure[:N]");
        }
        return policy;
    }
}
