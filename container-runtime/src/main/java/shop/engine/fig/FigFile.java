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
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import shop.engine.Durations;
import shop.engine.EngineException;
import shop.engine.Json;
import shop.engine.Sizes;
import shop.engine.build.ShellWords;

/**
 * A stack's file read into a {@link ProjectSpec}: the compose format (a top-level
 * {@code services:}) or a Fig 1.0 file (services at the root). Read through SnakeYAML's node
 * graph rather than into maps, so every error names the file, the line and the key, and YAML
 * 1.1's surprises (a port {@code 22:22} read as the number 1342) can be caught where they are.
 */
public final class FigFile {

    /** Keys a service may have: Fig 1.0's twenty, compose's that this engine runs, and those it accepts and ignores. */
    private static final Set<String> FIG_KEYS = Set.of("image", "build", "command", "links", "ports", "expose", "volumes",
            "volumes_from", "environment", "net", "dns", "working_dir", "entrypoint", "user", "hostname", "domainname",
            "mem_limit", "privileged", "stdin_open", "tty");
    private static final Set<String> COMPOSE_KEYS = Set.of("networks", "depends_on", "healthcheck", "restart", "cpus",
            "deploy", "scale", "labels", "stop_signal", "profiles", "env_file", "container_name", "stop_grace_period",
            "extra_hosts", "logging", "dns_search", "cap_add", "cap_drop", "init", "read_only", "shm_size", "ulimits",
            "network_mode", "pid", "security_opt", "tmpfs", "devices", "cpu_shares", "mem_reservation", "memswap_limit");
    /** Accepted for compatibility, not applied by this engine: each one used gets a warning. */
    private static final Set<String> IGNORED = Set.of("volumes_from", "net", "dns", "hostname", "domainname", "privileged",
            "stdin_open", "tty", "container_name", "stop_grace_period", "extra_hosts", "logging", "dns_search", "cap_add",
            "cap_drop", "init", "read_only", "shm_size", "ulimits", "network_mode", "pid", "security_opt", "tmpfs", "devices",
            "cpu_shares", "mem_reservation", "memswap_limit", "env_file");
    private static final Set<String> TOP_LEVEL = Set.of("version", "services", "volumes", "networks", "name");

    private final ProjectSpec project;
    private final List<String> warnings;
    private final String file;
    private final Interpolation interpolation;
    private final Path directory;

    private FigFile(Path path, String projectName, List<String> profiles, Map<String, String> environment) {
        this.file = path.getFileName().toString();
        this.directory = path.toAbsolutePath().getParent();
        this.warnings = new ArrayList<>();
        Map<String, String> variables = Interpolation.variables(directory.resolve(".env"), environment);
        this.interpolation = new Interpolation(variables, warnings::add);
        Node root = compose(path);
        String name = projectName != null ? projectName : variables.getOrDefault("COMPOSE_PROJECT_NAME", directory.getFileName().toString());
        Set<String> enabled = new LinkedHashSet<>(profiles);
        String fromEnvironment = variables.get("COMPOSE_PROFILES");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            enabled.addAll(List.of(fromEnvironment.split(",")));
        }
        this.project = read(root, name.toLowerCase().replaceAll("[^a-z0-9_-]", ""), enabled);
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

    private String at(Node node) {
        return file + ":" + (node.getStartMark().getLine() + 1);
    }

    private FigException error(Node node, String key, String message) {
        return new FigException(at(node) + ": " + key + ": " + message);
    }

    private ProjectSpec read(Node root, String name, Set<String> profiles) {
        Map<String, NodeTuple> top = entries((MappingNode) root, "the file");
        boolean composeFormat = top.containsKey("services");
        Map<String, NodeTuple> serviceNodes;
        List<String> volumes = new ArrayList<>();
        List<String> networks = new ArrayList<>(List.of("default"));
        if (composeFormat) {
            for (Map.Entry<String, NodeTuple> e : top.entrySet()) {
                if (!TOP_LEVEL.contains(e.getKey()) && !e.getKey().startsWith("x-")) {
                    throw error(e.getValue().getKeyNode(), e.getKey(), "unknown top-level key (want services, volumes, networks, version or x-...)");
                }
            }
            serviceNodes = entries(mapping(top.get("services"), "services"), "services");
            if (top.containsKey("volumes")) {
                volumes.addAll(names(top.get("volumes"), "volumes"));
            }
            if (top.containsKey("networks")) {
                names(top.get("networks"), "networks").stream().filter(n -> !networks.contains(n)).forEach(networks::add);
            }
        } else {
            serviceNodes = top;
            serviceNodes.remove("version");
        }
        Map<String, ServiceSpec> services = new LinkedHashMap<>();
        Map<String, Node> keyNodes = new LinkedHashMap<>();
        for (Map.Entry<String, NodeTuple> e : serviceNodes.entrySet()) {
            if (!e.getKey().matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
                throw error(e.getValue().getKeyNode(), e.getKey(), "a service name is letters, digits and _ . -");
            }
            ServiceSpec service = service(e.getKey(), mapping(e.getValue(), e.getKey()), name, volumes, networks, profiles);
            if (service != null) {
                services.put(e.getKey(), service);
                keyNodes.put(e.getKey(), e.getValue().getKeyNode());
            }
        }
        applyLinks(services);
        List<ServiceSpec> ordered = DependencyOrder.sort(services, keyNodes, this::at);
        List<String> usedNetworks = new ArrayList<>();
        networks.stream().filter(n -> ordered.stream().anyMatch(s -> s.networks().containsKey(n))).forEach(usedNetworks::add);
        return new ProjectSpec(name, ordered, usedNetworks, volumes);
    }

    private ServiceSpec service(String name, MappingNode node, String project, List<String> volumes, List<String> networks,
                                Set<String> enabledProfiles) {
        Map<String, NodeTuple> keys = entries(node, name);
        for (Map.Entry<String, NodeTuple> e : keys.entrySet()) {
            String key = e.getKey();
            if (!FIG_KEYS.contains(key) && !COMPOSE_KEYS.contains(key)) {
                throw error(e.getValue().getKeyNode(), name + "." + key, "unknown key" + suggestion(key));
            }
            if (IGNORED.contains(key)) {
                warnings.add(at(e.getValue().getKeyNode()) + ": " + name + "." + key + " is not supported by this engine and is ignored");
            }
        }
        List<String> profiles = strings(keys.get("profiles"), name + ".profiles");
        if (!profiles.isEmpty() && profiles.stream().noneMatch(enabledProfiles::contains)) {
            return null;
        }
        ServiceSpec.Build build = keys.containsKey("build") ? build(keys.get("build"), name) : null;
        String image = keys.containsKey("image") ? scalar(keys.get("image"), name + ".image") : null;
        if (image == null && build == null) {
            throw error(node, name, "a service needs an image or a build");
        }
        if (image == null) {
            image = project + "_" + name;
        }
        Map<String, String> environment = map(keys.get("environment"), name + ".environment", true);
        Map<String, String> labels = map(keys.get("labels"), name + ".labels", false);
        Map<String, List<String>> serviceNetworks = networks(keys.get("networks"), name, networks);
        List<String> serviceVolumes = volumes(keys.get("volumes"), name, volumes);
        Map<String, NodeTuple> deploy = keys.containsKey("deploy") ? entries(mapping(keys.get("deploy"), name + ".deploy"), name + ".deploy")
                : Map.of();
        int replicas = deploy.containsKey("replicas") ? integer(deploy.get("replicas"), name + ".deploy.replicas")
                : keys.containsKey("scale") ? integer(keys.get("scale"), name + ".scale") : 1;
        long memory = keys.containsKey("mem_limit") ? size(keys.get("mem_limit"), name + ".mem_limit") : 0;
        double cpus = keys.containsKey("cpus") ? number(keys.get("cpus"), name + ".cpus") : 0;
        if (deploy.containsKey("resources")) {
            Map<String, NodeTuple> resources = entries(mapping(deploy.get("resources"), name + ".deploy.resources"), name);
            if (resources.containsKey("limits")) {
                Map<String, NodeTuple> limits = entries(mapping(resources.get("limits"), name + ".deploy.resources.limits"), name);
                if (limits.containsKey("memory")) {
                    memory = size(limits.get("memory"), name + ".deploy.resources.limits.memory");
                }
                if (limits.containsKey("cpus")) {
                    cpus = number(limits.get("cpus"), name + ".deploy.resources.limits.cpus");
                }
            }
        }
        ServiceSpec spec = new ServiceSpec(name, image, build, command(keys.get("command"), name + ".command"),
                command(keys.get("entrypoint"), name + ".entrypoint"), environment, ports(keys.get("ports"), name),
                strings(keys.get("expose"), name + ".expose"), serviceVolumes, serviceNetworks,
                dependsOn(keys.get("depends_on"), name), healthcheck(keys.get("healthcheck"), name), memory, cpus, replicas,
                keys.containsKey("restart") ? restart(keys.get("restart"), name) : null, labels,
                keys.containsKey("user") ? scalar(keys.get("user"), name + ".user") : null,
                keys.containsKey("working_dir") ? scalar(keys.get("working_dir"), name + ".working_dir") : null,
                keys.containsKey("stop_signal") ? scalar(keys.get("stop_signal"), name + ".stop_signal") : null, "");
        List<String> links = strings(keys.get("links"), name + ".links");
        linkRequests.put(name, links);
        return withHash(spec);
    }

    /** Fig's links: {@code service[:alias]} makes a dependency and a name the linked service answers to. */
    private final Map<String, List<String>> linkRequests = new LinkedHashMap<>();

    private void applyLinks(Map<String, ServiceSpec> services) {
        linkRequests.forEach((consumer, links) -> {
            ServiceSpec current = services.get(consumer);
            if (current == null) {
                return;
            }
            Map<String, ServiceSpec.Condition> dependsOn = new LinkedHashMap<>(current.dependsOn());
            for (String link : links) {
                String[] parts = link.split(":", 2);
                ServiceSpec target = services.get(parts[0]);
                if (target == null) {
                    throw new FigException(file + ": " + consumer + ".links: no service " + parts[0]);
                }
                dependsOn.putIfAbsent(parts[0], ServiceSpec.Condition.SERVICE_STARTED);
                if (parts.length == 2) {
                    Map<String, List<String>> networks = new LinkedHashMap<>();
                    target.networks().forEach((network, aliases) -> {
                        List<String> more = new ArrayList<>(aliases);
                        more.add(parts[1]);
                        networks.put(network, more);
                    });
                    services.put(parts[0], withHash(copy(target, target.dependsOn(), networks)));
                }
            }
            services.put(consumer, withHash(copy(services.get(consumer), dependsOn, services.get(consumer).networks())));
        });
    }

    private static ServiceSpec copy(ServiceSpec s, Map<String, ServiceSpec.Condition> dependsOn, Map<String, List<String>> networks) {
        return new ServiceSpec(s.name(), s.image(), s.build(), s.command(), s.entrypoint(), s.environment(), s.ports(),
                s.expose(), s.volumes(), networks, dependsOn, s.healthcheck(), s.memoryBytes(), s.cpus(), s.replicas(),
                s.restart(), s.labels(), s.user(), s.workingDir(), s.stopSignal(), "");
    }

    /** The hash changes with anything the containers are made from; compose's config-hash label carries it. */
    private static ServiceSpec withHash(ServiceSpec s) {
        try {
            byte[] canonical = Json.bytes(s);
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
            return new ServiceSpec(s.name(), s.image(), s.build(), s.command(), s.entrypoint(), s.environment(), s.ports(),
                    s.expose(), s.volumes(), s.networks(), s.dependsOn(), s.healthcheck(), s.memoryBytes(), s.cpus(),
                    s.replicas(), s.restart(), s.labels(), s.user(), s.workingDir(), s.stopSignal(), hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String suggestion(String key) {
        List<String> all = new ArrayList<>(FIG_KEYS);
        all.addAll(COMPOSE_KEYS);
        return all.stream().filter(k -> distance(k, key) <= 2).findFirst().map(k -> " (did you mean " + k + "?)").orElse("");
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

    private ServiceSpec.Build build(NodeTuple tuple, String service) {
        if (tuple.getValueNode() instanceof ScalarNode) {
            return new ServiceSpec.Build(context(tuple, scalar(tuple, service + ".build"), service + ".build"), "Dockerfile", Map.of());
        }
        Map<String, NodeTuple> keys = entries(mapping(tuple, service + ".build"), service + ".build");
        for (Map.Entry<String, NodeTuple> e : keys.entrySet()) {
            if (!Set.of("context", "dockerfile", "args", "target", "labels", "network", "cache_from").contains(e.getKey())) {
                throw error(e.getValue().getKeyNode(), service + ".build." + e.getKey(), "unknown key");
            }
        }
        String context = keys.containsKey("context") ? scalar(keys.get("context"), service + ".build.context") : ".";
        String dockerfile = keys.containsKey("dockerfile") ? scalar(keys.get("dockerfile"), service + ".build.dockerfile") : "Dockerfile";
        return new ServiceSpec.Build(context(tuple, context, service + ".build.context"), dockerfile,
                map(keys.get("args"), service + ".build.args", true));
    }

    private Path context(NodeTuple tuple, String context, String key) {
        Path dir = directory.resolve(context).normalize();
        if (!Files.isDirectory(dir)) {
            throw error(tuple.getValueNode(), key, "no directory " + dir);
        }
        return dir;
    }

    private List<String> command(NodeTuple tuple, String key) {
        if (tuple == null) {
            return null;
        }
        if (tuple.getValueNode() instanceof ScalarNode) {
            try {
                return ShellWords.split(scalar(tuple, key), '\\');
            } catch (EngineException e) {
                throw error(tuple.getValueNode(), key, e.getMessage());
            }
        }
        return strings(tuple, key);
    }

    /** Ports as docker's publish syntax; an unquoted {@code 22:22} is refused, since YAML 1.1 reads it as 1342. */
    private List<String> ports(NodeTuple tuple, String service) {
        List<String> ports = new ArrayList<>();
        if (tuple == null) {
            return ports;
        }
        for (Node item : sequence(tuple, service + ".ports").getValue()) {
            if (!(item instanceof ScalarNode scalar)) {
                throw error(item, service + ".ports", "each port is a string such as \"8080:80\"");
            }
            if (scalar.getTag().equals(Tag.INT) && scalar.getValue().contains(":")) {
                throw error(item, service + ".ports", scalar.getValue() + " is read by YAML 1.1 as the base-60 number "
                        + sexagesimal(scalar.getValue()) + "; quote it: \"" + scalar.getValue() + "\"");
            }
            String port = interpolation.apply(scalar.getValue(), at(item));
            if (!port.matches("((\\d{1,3}(\\.\\d{1,3}){3}:)?(\\d{1,5})?:)?\\d{1,5}(/tcp)?")) {
                throw error(item, service + ".ports", "\"" + port + "\" is not [ip:][host:]container[/tcp] (tcp, no ranges)");
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

    private List<String> volumes(NodeTuple tuple, String service, List<String> declared) {
        List<String> volumes = new ArrayList<>();
        if (tuple == null) {
            return volumes;
        }
        for (Node item : sequence(tuple, service + ".volumes").getValue()) {
            if (!(item instanceof ScalarNode scalar)) {
                throw error(item, service + ".volumes", "use the short syntax, source:target[:ro]");
            }
            String volume = interpolation.apply(scalar.getValue(), at(item));
            String[] parts = volume.split(":");
            if (parts.length == 1) {
                // An anonymous volume: the image's VOLUME would give one too; nothing to bind.
                continue;
            }
            if (parts.length > 3 || !parts[1].startsWith("/")) {
                throw error(item, service + ".volumes", "\"" + volume + "\" is not source:/target[:ro]");
            }
            String source = parts[0];
            if (source.startsWith(".") || source.startsWith("/") || source.startsWith("~")) {
                Path host = source.startsWith("~") ? Path.of(System.getProperty("user.home"), source.substring(1))
                        : directory.resolve(source).normalize();
                source = host.toString();
            } else if (!declared.contains(source)) {
                throw error(item, service + ".volumes", "named volume \"" + source + "\" is not declared under the top-level volumes");
            }
            volumes.add(source + ":" + parts[1] + (parts.length == 3 ? ":" + parts[2] : ""));
        }
        return volumes;
    }

    private Map<String, List<String>> networks(NodeTuple tuple, String service, List<String> declared) {
        Map<String, List<String>> networks = new LinkedHashMap<>();
        if (tuple == null) {
            networks.put("default", List.of());
            return networks;
        }
        Node value = tuple.getValueNode();
        if (value instanceof SequenceNode) {
            strings(tuple, service + ".networks").forEach(n -> networks.put(n, List.of()));
        } else {
            for (Map.Entry<String, NodeTuple> e : entries(mapping(tuple, service + ".networks"), service + ".networks").entrySet()) {
                Node config = e.getValue().getValueNode();
                List<String> aliases = config instanceof MappingNode m && entries(m, service).containsKey("aliases")
                        ? strings(entries(m, service).get("aliases"), service + ".networks." + e.getKey() + ".aliases") : List.of();
                networks.put(e.getKey(), aliases);
            }
        }
        for (String network : networks.keySet()) {
            if (!declared.contains(network)) {
                throw error(value, service + ".networks", "network \"" + network + "\" is not declared under the top-level networks");
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
            strings(tuple, service + ".depends_on").forEach(d -> dependsOn.put(d, ServiceSpec.Condition.SERVICE_STARTED));
            return dependsOn;
        }
        for (Map.Entry<String, NodeTuple> e : entries(mapping(tuple, service + ".depends_on"), service + ".depends_on").entrySet()) {
            ServiceSpec.Condition condition = ServiceSpec.Condition.SERVICE_STARTED;
            if (e.getValue().getValueNode() instanceof MappingNode m) {
                NodeTuple c = entries(m, service).get("condition");
                if (c != null) {
                    String text = scalar(c, service + ".depends_on." + e.getKey() + ".condition");
                    try {
                        condition = ServiceSpec.Condition.valueOf(text.toUpperCase());
                    } catch (IllegalArgumentException bad) {
                        throw error(c.getValueNode(), service + ".depends_on." + e.getKey() + ".condition",
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
        Map<String, NodeTuple> keys = entries(mapping(tuple, key), key);
        if (keys.containsKey("disable") && Boolean.parseBoolean(scalar(keys.get("disable"), key + ".disable"))) {
            return new ServiceSpec.Healthcheck(List.of("NONE"), 0, 0, 0, 0);
        }
        NodeTuple test = keys.get("test");
        if (test == null) {
            throw error(tuple.getValueNode(), key, "a healthcheck needs a test");
        }
        List<String> command = test.getValueNode() instanceof ScalarNode
                ? List.of("CMD-SHELL", scalar(test, key + ".test")) : strings(test, key + ".test");
        if (!List.of("CMD", "CMD-SHELL", "NONE").contains(command.get(0))) {
            throw error(test.getValueNode(), key + ".test", "a list starts with CMD, CMD-SHELL or NONE");
        }
        return new ServiceSpec.Healthcheck(command, duration(keys.get("interval"), key + ".interval"),
                duration(keys.get("timeout"), key + ".timeout"), duration(keys.get("start_period"), key + ".start_period"),
                keys.containsKey("retries") ? integer(keys.get("retries"), key + ".retries") : 0);
    }

    private String restart(NodeTuple tuple, String service) {
        String policy = scalar(tuple, service + ".restart");
        if (!policy.matches("no|always|unless-stopped|on-failure(:\\d+)?")) {
            throw error(tuple.getValueNode(), service + ".restart", "\"" + policy + "\": want no, always, unless-stopped or on-failure[:N]");
        }
        return policy;
    }

    // --- typed values ---

    private Map<String, NodeTuple> entries(MappingNode node, String what) {
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : node.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                throw new FigException(at(tuple.getKeyNode()) + ": " + what + ": keys are plain words");
            }
            if (entries.put(key.getValue(), tuple) != null) {
                throw error(key, what + "." + key.getValue(), "duplicate key");
            }
        }
        return entries;
    }

    private MappingNode mapping(NodeTuple tuple, String key) {
        if (!(tuple.getValueNode() instanceof MappingNode m)) {
            throw error(tuple.getValueNode(), key, "want a mapping");
        }
        return m;
    }

    private SequenceNode sequence(NodeTuple tuple, String key) {
        if (!(tuple.getValueNode() instanceof SequenceNode s)) {
            throw error(tuple.getValueNode(), key, "want a list");
        }
        return s;
    }

    private String scalar(NodeTuple tuple, String key) {
        if (!(tuple.getValueNode() instanceof ScalarNode s)) {
            throw error(tuple.getValueNode(), key, "want a single value");
        }
        return interpolation.apply(s.getValue(), at(s));
    }

    private List<String> strings(NodeTuple tuple, String key) {
        List<String> values = new ArrayList<>();
        if (tuple == null) {
            return values;
        }
        if (tuple.getValueNode() instanceof ScalarNode) {
            values.add(scalar(tuple, key));
            return values;
        }
        for (Node item : sequence(tuple, key).getValue()) {
            if (!(item instanceof ScalarNode s)) {
                throw error(item, key, "want a list of single values");
            }
            values.add(interpolation.apply(s.getValue(), at(s)));
        }
        return values;
    }

    /** Top-level volumes or networks: a mapping of names (values may be empty or options). */
    private List<String> names(NodeTuple tuple, String key) {
        if (tuple.getValueNode() instanceof ScalarNode s && s.getTag().equals(Tag.NULL)) {
            return List.of();
        }
        return new ArrayList<>(entries(mapping(tuple, key), key).keySet());
    }

    /** {@code KEY=value} list or mapping; values become text, and an unquoted yes/no/on/off gets a warning. */
    private Map<String, String> map(NodeTuple tuple, String key, boolean warnBooleans) {
        Map<String, String> values = new LinkedHashMap<>();
        if (tuple == null) {
            return values;
        }
        if (tuple.getValueNode() instanceof SequenceNode) {
            for (String item : strings(tuple, key)) {
                int eq = item.indexOf('=');
                values.put(eq < 0 ? item : item.substring(0, eq), eq < 0 ? "" : item.substring(eq + 1));
            }
            return values;
        }
        for (Map.Entry<String, NodeTuple> e : entries(mapping(tuple, key), key).entrySet()) {
            Node value = e.getValue().getValueNode();
            if (!(value instanceof ScalarNode s)) {
                throw error(value, key + "." + e.getKey(), "want a single value");
            }
            if (warnBooleans && s.getTag().equals(Tag.BOOL) && s.getValue().matches("(?i)yes|no|on|off|y|n")) {
                warnings.add(at(s) + ": " + key + "." + e.getKey() + ": YAML 1.1 reads " + s.getValue()
                        + " as a boolean; quote it to keep the word");
            }
            values.put(e.getKey(), s.getTag().equals(Tag.NULL) ? "" : interpolation.apply(s.getValue(), at(s)));
        }
        return values;
    }

    private int integer(NodeTuple tuple, String key) {
        String text = scalar(tuple, key);
        if (!text.matches("\\d+")) {
            throw error(tuple.getValueNode(), key, "\"" + text + "\" is not a whole number");
        }
        return Integer.parseInt(text);
    }

    private double number(NodeTuple tuple, String key) {
        try {
            return Double.parseDouble(scalar(tuple, key));
        } catch (NumberFormatException e) {
            throw error(tuple.getValueNode(), key, "not a number");
        }
    }

    private long size(NodeTuple tuple, String key) {
        try {
            return Sizes.parse(scalar(tuple, key));
        } catch (EngineException e) {
            throw error(tuple.getValueNode(), key, e.getMessage());
        }
    }

    private long duration(NodeTuple tuple, String key) {
        if (tuple == null) {
            return 0;
        }
        try {
            return Durations.parse(scalar(tuple, key)).toNanos();
        } catch (EngineException e) {
            throw error(tuple.getValueNode(), key, e.getMessage());
        }
    }

    // --- config ---

    /** The resolved stack in the compose format, as {@code fig config} prints it. */
    public String render() {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> services = new LinkedHashMap<>();
        for (ServiceSpec s : project.services()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("image", s.image());
            if (s.build() != null) {
                Map<String, Object> build = new LinkedHashMap<>();
                build.put("context", s.build().context().toString());
                build.put("dockerfile", s.build().dockerfile());
                if (!s.build().args().isEmpty()) {
                    build.put("args", s.build().args());
                }
                out.put("build", build);
            }
            putIf(out, "entrypoint", s.entrypoint());
            putIf(out, "command", s.command());
            putIf(out, "environment", s.environment().isEmpty() ? null : s.environment());
            putIf(out, "ports", s.ports().isEmpty() ? null : s.ports());
            putIf(out, "expose", s.expose().isEmpty() ? null : s.expose());
            putIf(out, "volumes", s.volumes().isEmpty() ? null : s.volumes());
            Map<String, Object> networks = new LinkedHashMap<>();
            s.networks().forEach((n, aliases) -> networks.put(n, aliases.isEmpty() ? null : Map.of("aliases", aliases)));
            out.put("networks", networks);
            Map<String, Object> dependsOn = new LinkedHashMap<>();
            s.dependsOn().forEach((d, c) -> dependsOn.put(d, Map.of("condition", c.name().toLowerCase())));
            putIf(out, "depends_on", dependsOn.isEmpty() ? null : dependsOn);
            if (s.healthcheck() != null) {
                Map<String, Object> hc = new LinkedHashMap<>();
                hc.put("test", s.healthcheck().test());
                hc.put("interval", s.healthcheck().interval() / 1_000_000 + "ms");
                hc.put("timeout", s.healthcheck().timeout() / 1_000_000 + "ms");
                hc.put("start_period", s.healthcheck().startPeriod() / 1_000_000 + "ms");
                hc.put("retries", s.healthcheck().retries());
                out.put("healthcheck", hc);
            }
            putIf(out, "mem_limit", s.memoryBytes() > 0 ? s.memoryBytes() : null);
            putIf(out, "cpus", s.cpus() > 0 ? s.cpus() : null);
            out.put("deploy", Map.of("replicas", s.replicas()));
            putIf(out, "restart", s.restart());
            putIf(out, "labels", s.labels().isEmpty() ? null : s.labels());
            putIf(out, "user", s.user());
            putIf(out, "working_dir", s.workingDir());
            putIf(out, "stop_signal", s.stopSignal());
            services.put(s.name(), out);
        }
        root.put("name", project.name());
        root.put("services", services);
        Map<String, Object> networks = new LinkedHashMap<>();
        project.networks().forEach(n -> networks.put(n, null));
        root.put("networks", networks);
        Map<String, Object> volumes = new LinkedHashMap<>();
        project.volumes().forEach(v -> volumes.put(v, null));
        root.put("volumes", volumes);
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(options).dump(root);
    }

    private static void putIf(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
