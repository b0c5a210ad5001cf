package shop.engine.fig;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
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
 * A stack's file read into a {@link ProjectSpec}: the compose format (a top-level
 * {@code services:}) or a Fig 1.0 file (services at the root). Read through SnakeYAML's node
 * graph rather than into maps, so every error names the file, the line and the key path as it
 * is in the file ({@code services.web.ports}, or {@code web.ports} in a Fig 1.0 file), and YAML
 * 1.1's surprises (a port {@code 22:22} read as the number 1342) can be caught where they are.
 *
 * <p>A Fig 1.0 file is run as docker-compose 1.29 runs a version 1 file, so the two see the same
 * containers: on Docker's default bridge, {@code links} as Docker's links, and a volume named
 * in a service but declared nowhere being the engine's named volume rather than the stack's.
 */
public final class FigFile {

    /** Keys read here; {@link ContainerOptionsReader#KEYS} are the rest of compose's v1 schema and its additions. */
    private static final Set<String> SERVICE_KEYS = Set.of("image", "build", "dockerfile", "command", "links", "ports",
            "expose", "volumes", "environment", "env_file", "working_dir", "entrypoint", "user", "mem_limit", "networks",
            "depends_on", "healthcheck", "restart", "cpus", "deploy", "scale", "labels", "stop_signal", "profiles");
    private static final Set<String> TOP_LEVEL = Set.of("version", "services", "volumes", "networks", "name");

    private final ProjectSpec project;
    private final List<String> warnings;
    private final String file;
    private final NodeReader nodes;
    private final Path directory;
    /** What {@link #read} learns before it reads each service. */
    private boolean fig10;
    private final List<String> declaredVolumes = new ArrayList<>();
    private final List<String> declaredNetworks = new ArrayList<>();
    private final Map<String, Node> serviceNodes = new LinkedHashMap<>();
    private ServiceReferences references;

    private FigFile(Path path, String projectName, List<String> profiles, Map<String, String> environment) {
        this.file = path.getFileName().toString();
        this.directory = path.toAbsolutePath().getParent();
        this.warnings = new ArrayList<>();
        Map<String, String> variables = Interpolation.variables(directory.resolve(".env"), environment);
        this.nodes = new NodeReader(file, new Interpolation(variables, warnings::add), warnings::add);
        Node root = compose(path);
        String name = projectName != null ? projectName : variables.getOrDefault("COMPOSE_PROJECT_NAME", directory.getFileName().toString());
        Set<String> enabled = new LinkedHashSet<>(profiles);
        String fromEnvironment = variables.get("COMPOSE_PROFILES");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            enabled.addAll(List.of(fromEnvironment.split(",")));
        }
        this.project = read(root, name.toLowerCase().replaceAll("[^a-z0-9_-]", ""), enabled, path.normalize().toString());
    }

    public static FigFile load(Path path, String projectName, List<String> profiles, Map<String, String> environment) {
        return new FigFile(path, projectName, profiles, environment);
    }

    public ProjectSpec project() {
        return project;
    }

    public List<String> warnings() {
        return warnings;
    }

    // --- reading ---

    private Node compose(Path path) {
        try {
            Node root = new Yaml().compose(new StringReader(Files.readString(path)));
            if (!(root instanceof MappingNode)) {
                throw new FigException(file + ":1: the file must be a mapping of services");
            }
            return root;
        } catch (MarkedYAMLException e) {
            throw new FigException(file + ":" + (e.getProblemMark().getLine() + 1) + ": " + e.getProblem());
        } catch (IOException e) {
            throw new FigException("read " + path + ": " + e.getMessage(), e);
        }
    }

    /** A service's key path as it is in the file. */
    private String key(String service) {
        return fig10 ? service : "services." + service;
    }

    private ProjectSpec read(Node root, String name, Set<String> profiles, String configFile) {
        Map<String, NodeTuple> top = nodes.entries((MappingNode) root, "the file");
        fig10 = !top.containsKey("services");
        Map<String, NodeTuple> all;
        if (!fig10) {
            for (Map.Entry<String, NodeTuple> e : top.entrySet()) {
                if (!TOP_LEVEL.contains(e.getKey()) && !e.getKey().startsWith("x-")) {
                    throw nodes.error(e.getValue().getKeyNode(), e.getKey(), "unknown top-level key (want services, volumes, networks, version or x-...)");
                }
            }
            all = nodes.entries(top.get("services"), "services");
            if (top.containsKey("volumes")) {
                declaredVolumes.addAll(nodes.names(top.get("volumes"), "volumes"));
            }
            declaredNetworks.add("default");
            if (top.containsKey("networks")) {
                nodes.names(top.get("networks"), "networks").stream().filter(n -> !declaredNetworks.contains(n))
                        .forEach(declaredNetworks::add);
            }
        } else {
            all = top;
            all.remove("version");
        }
        Map<String, Map<String, NodeTuple>> enabled = new LinkedHashMap<>();
        for (Map.Entry<String, NodeTuple> e : all.entrySet()) {
            Map<String, NodeTuple> keys = serviceKeys(e.getKey(), e.getValue());
            List<String> wanted = nodes.strings(keys.get("profiles"), key(e.getKey()) + ".profiles");
            if (wanted.isEmpty() || wanted.stream().anyMatch(profiles::contains)) {
                enabled.put(e.getKey(), keys);
                serviceNodes.put(e.getKey(), e.getValue().getKeyNode());
            }
        }
        references = new ServiceReferences(enabled, nodes, this::key);
        Map<String, ServiceSpec> services = new LinkedHashMap<>();
        enabled.forEach((service, keys) -> services.put(service, service(service, keys, name, enabled.keySet())));
        List<ServiceSpec> ordered = DependencyOrder.sort(services, serviceNodes, nodes::at, this::key);
        List<String> usedNetworks = declaredNetworks.stream()
                .filter(n -> ordered.stream().anyMatch(s -> s.networks().containsKey(n))).toList();
        return new ProjectSpec(name, ordered, usedNetworks, declaredVolumes, directory, List.of(configFile));
    }

    /** A service's keys, each known; extends would need other files merged in, which fig does not do. */
    private Map<String, NodeTuple> serviceKeys(String name, NodeTuple service) {
        if (!name.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
            throw nodes.error(service.getKeyNode(), key(name), "a service name is letters, digits and _ . -");
        }
        Map<String, NodeTuple> keys = nodes.entries(service, key(name));
        for (Map.Entry<String, NodeTuple> e : keys.entrySet()) {
            String k = e.getKey();
            if (k.equals("extends")) {
                throw nodes.error(e.getValue().getKeyNode(), key(name) + ".extends", "not supported: write the service's keys out");
            }
            if (!SERVICE_KEYS.contains(k) && !ContainerOptionsReader.KEYS.contains(k)) {
                throw nodes.error(e.getValue().getKeyNode(), key(name) + "." + k, "unknown key" + suggestion(k));
            }
        }
        return keys;
    }

    private ServiceSpec service(String name, Map<String, NodeTuple> keys, String project, Set<String> serviceNames) {
        String at = key(name);
        ServiceSpec.Build build = keys.containsKey("build") ? build(keys, at) : null;
        if (build == null && keys.containsKey("dockerfile")) {
            throw nodes.error(keys.get("dockerfile").getKeyNode(), at + ".dockerfile", "names the Dockerfile of a build, and the service has none");
        }
        String image = keys.containsKey("image") ? nodes.scalar(keys.get("image"), at + ".image") : null;
        if (image == null && build == null) {
            throw new FigException(nodes.at(serviceNodes.get(name)) + ": " + at + ": a service needs an image or a build");
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
                nodes.strings(keys.get("expose"), at + ".expose"), volumes(keys.get("volumes"), at), serviceNetworks,
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

    private static String suggestion(String key) {
        return Stream.concat(SERVICE_KEYS.stream(), ContainerOptionsReader.KEYS.stream()).filter(k -> distance(k, key) <= 2)
                .sorted().findFirst().map(k -> " (did you mean " + k + "?)").orElse("");
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int[] cur = new int[b.length() + 1];
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            prev = cur;
        }
        return prev[b.length()];
    }

    // --- keys ---

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
            return new ServiceSpec.Healthcheck(List.of("NONE"), 0, 0, 0, 0);
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
                keys.containsKey("retries") ? nodes.integer(keys.get("retries"), key + ".retries") : 0);
    }

    private String restart(NodeTuple tuple, String service) {
        String policy = nodes.scalar(tuple, service + ".restart");
        if (!policy.matches("no|always|unless-stopped|on-failure(:\\d+)?")) {
            throw nodes.error(tuple.getValueNode(), service + ".restart", "\"" + policy + "\": want no, always, unless-stopped or on-failure[:N]");
        }
        return policy;
    }

    /** The resolved stack in the compose format, as {@code fig config} prints it. */
    public String render() {
        return ResolvedFile.yaml(project);
    }
}
