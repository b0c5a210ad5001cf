package shop.engine.fig;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

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
 * This class reads the file's structure and which services it enables; {@link ServiceReader}
 * reads each service.
 */
public final class FigFile {

    /** Keys {@link ServiceReader} reads; {@link ContainerOptionsReader#KEYS} are the rest of compose's v1 schema and its additions. */
    private static final Set<String> SERVICE_KEYS = Set.of("image", "build", "dockerfile", "command", "links", "ports",
            "expose", "volumes", "environment", "env_file", "working_dir", "entrypoint", "user", "mem_limit", "networks",
            "depends_on", "healthcheck", "restart", "cpus", "deploy", "scale", "labels", "stop_signal", "profiles", "develop",
            SecretFiles.KEY);
    private static final Set<String> TOP_LEVEL = Set.of("version", "services", "volumes", "networks", "name", SecretFiles.KEY);

    private final ProjectSpec project;
    private final List<String> warnings;
    private final String file;
    private final NodeReader nodes;
    private final Path directory;
    private final StackSecrets secrets;
    private final Map<String, String> generatedSecrets;
    private final ServiceCertificates certificates;
    private final List<String> issuedCertificates;
    /** What {@link #read} learns before it reads each service. */
    private boolean fig10;
    private final List<String> declaredVolumes = new ArrayList<>();
    private final List<String> declaredNetworks = new ArrayList<>();
    private final Map<String, Node> serviceNodes = new LinkedHashMap<>();
    private WatchSpec watch;

    private FigFile(Path path, String projectName, List<String> profiles, Map<String, String> environment,
                    boolean generateSecrets) {
        this.file = path.getFileName().toString();
        this.directory = path.toAbsolutePath().getParent();
        this.warnings = new ArrayList<>();
        Map<String, String> variables = Interpolation.variables(directory.resolve(".env"), environment);
        this.nodes = new NodeReader(file, new Interpolation(variables, warnings::add), warnings::add);
        Node root = compose(path);
        String name = projectName != null ? projectName : variables.getOrDefault("COMPOSE_PROJECT_NAME", directory.getFileName().toString());
        String project = name.toLowerCase().replaceAll("[^a-z0-9_-]", "");
        this.secrets = StackSecrets.declared(nodes.entries((MappingNode) root, "the file").get(StackSecrets.KEY), nodes, project,
                environment);
        this.generatedSecrets = secrets.fill(variables, generateSecrets);
        Map<String, NodeTuple> top = nodes.entries((MappingNode) root, "the file");
        this.certificates = ServiceCertificates.declared(top.get(ServiceCertificates.KEY), nodes,
                secrets.file().resolveSibling(project + ".pki"));
        certificates.checkNamed(top.containsKey("services") ? Set.copyOf(nodes.names(top.get("services"), "services")) : top.keySet());
        this.issuedCertificates = generateSecrets ? certificates.issue() : List.of();
        Set<String> enabled = new LinkedHashSet<>(profiles);
        String fromEnvironment = variables.get("COMPOSE_PROFILES");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            enabled.addAll(List.of(fromEnvironment.split(",")));
        }
        this.project = read(root, project, enabled, path.normalize().toString());
    }

    /** Reads the file, with the secrets it declares that are already stored. */
    public static FigFile load(Path path, String projectName, List<String> profiles, Map<String, String> environment) {
        return new FigFile(path, projectName, profiles, environment, false);
    }

    /** Reads the file, first generating and storing the declared secrets that no variable sets: before creating containers. */
    public static FigFile loadGeneratingSecrets(Path path, String projectName, List<String> profiles,
                                                Map<String, String> environment) {
        return new FigFile(path, projectName, profiles, environment, true);
    }

    public ProjectSpec project() {
        return project;
    }

    /** What {@code fig watch} follows. */
    public WatchSpec watch() {
        return watch;
    }

    public List<String> warnings() {
        return warnings;
    }

    /** Where the stack's generated secrets are kept, whether or not any exist yet. */
    public Path secretsFile() {
        return secrets.file();
    }

    /** Where the stack's certificate authority and its services' certificates are kept. */
    public Path certificatesFolder() {
        return certificates.folder();
    }

    /**
     * What loading generated, to tell the user once: where the secrets are stored, and the values
     * the file wants shown (the admin's password, say). Empty when nothing was generated.
     */
    public List<String> secretsNotice() {
        List<String> notice = new ArrayList<>();
        if (!issuedCertificates.isEmpty()) {
            notice.add("Issued the certificates of " + String.join(", ", issuedCertificates) + " from the stack's authority in "
                    + certificates.folder() + ".");
        }
        if (generatedSecrets.isEmpty()) {
            return notice;
        }
        notice.add("Generated " + String.join(", ", generatedSecrets.keySet()) + " into " + secrets.file()
                + " (mode 0600); docker-compose reads them with --env-file.");
        generatedSecrets.forEach((name, value) -> {
            if (secrets.shown(name)) {
                notice.add(name + "=" + value + "  (shown this once; it stays in that file)");
            }
        });
        return notice;
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
                    throw nodes.error(e.getValue().getKeyNode(), e.getKey(), "unknown top-level key (want services, volumes, networks, secrets, version or x-...)");
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
        watch = WatchSpec.read(nodes, directory, fig10 ? null : top.get(WatchSpec.KEY), enabled, this::key);
        ServiceReferences references = new ServiceReferences(enabled, nodes, this::key);
        Map<String, ServiceSpec> services = new LinkedHashMap<>();
        SecretFiles secretFiles = SecretFiles.declared(fig10 ? null : top.get(SecretFiles.KEY), nodes, directory, certificates);
        ServiceReader reader = new ServiceReader(nodes, directory, fig10, declaredVolumes, declaredNetworks, secretFiles, references,
                this::key);
        enabled.forEach((service, keys) -> services.put(service, reader.read(service, keys, serviceNodes.get(service), name,
                enabled.keySet())));
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
            if (!SERVICE_KEYS.contains(k) && !ContainerOptionsReader.KEYS.contains(k) && !k.startsWith("x-")) {
                throw nodes.error(e.getValue().getKeyNode(), key(name) + "." + k, "unknown key" + suggestion(k));
            }
        }
        return keys;
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

    /** The resolved stack in the compose format, as {@code fig config} prints it. */
    public String render() {
        return ResolvedFile.yaml(project);
    }
}
