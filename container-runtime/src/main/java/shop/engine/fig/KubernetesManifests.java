package shop.engine.fig;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import shop.engine.dockerfile.DockerfileParser;
import shop.engine.dockerfile.HealthcheckInstruction;
import shop.engine.image.ContainerConfig;
import shop.engine.support.EngineException;

/**
 * A stack as Kubernetes objects, converted the way kompose converts a compose file (its
 * docs/conversion.md): a Deployment per service, a StatefulSet with a volume claim per named
 * volume for a service that keeps data, a Service where ports are declared, probes from the
 * healthcheck, the passwords in one Secret, and bind-mounted host files in a ConfigMap.
 *
 * <p>{@code links}, {@code depends_on} and {@code network_mode} have no counterpart: cluster DNS
 * resolves a Service by the service's name, and a pod that starts before its dependency answers
 * fails and is restarted until it does. Whatever cannot go to a cluster as it is becomes a warning
 * that names the service and the key.
 */
public final class KubernetesManifests {

    /** PASS also matches PASSWORD. */
    private static final Pattern SECRET_VARIABLE = Pattern.compile("PASS|SECRET|TOKEN", Pattern.CASE_INSENSITIVE);
    private static final Pattern EXPOSED_PORT = Pattern.compile("(\\d{1,5})(?:/(tcp|udp))?");
    /** Docker's values for a healthcheck's unset fields, so a probe keeps the timing the stack runs with. */
    private static final Duration DOCKER_INTERVAL = Duration.ofSeconds(30);
    private static final Duration DOCKER_TIMEOUT = Duration.ofSeconds(30);
    private static final int DOCKER_RETRIES = 3;
    /** The API server refuses larger objects (etcd's request limit is about 1.5 MiB; 1 MiB is the documented one). */
    private static final long CONFIG_MAP_LIMIT = 1 << 20;
    /** Volume claims need a size and compose gives none: a placeholder to edit before applying. */
    private static final String CLAIM_SIZE = "1Gi";

    private enum Workload { DEPLOYMENT, STATEFUL_SET, POD }

    private record Port(int number, String protocol) {
        String name() {
            return protocol.toLowerCase(Locale.ROOT) + "-" + number;
        }
    }

    private final ProjectSpec project;
    private final String secretName;
    /** Secret variables whose value differs between services get a key per service. */
    private final Set<String> ambiguousSecrets = new HashSet<>();
    private final Map<String, String> secretData = new TreeMap<>();
    private final List<Map<String, Object>> objects = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    private KubernetesManifests(ProjectSpec project) {
        this.project = project;
        this.secretName = dnsLabel(project.name()) + "-secrets";
        Map<String, Set<String>> secretValues = new HashMap<>();
        project.services().forEach(s -> s.environment().forEach((variable, value) -> {
            if (SECRET_VARIABLE.matcher(variable).find()) {
                secretValues.computeIfAbsent(variable, v -> new HashSet<>()).add(value);
            }
        }));
        secretValues.forEach((variable, values) -> {
            if (values.size() > 1) {
                ambiguousSecrets.add(variable);
            }
        });
        List<Map<String, Object>> converted = new ArrayList<>();
        project.services().forEach(s -> converted.addAll(convert(s)));
        if (!secretData.isEmpty()) {
            Map<String, Object> secret = object("v1", "Secret", secretName);
            secret.put("type", "Opaque");
            Map<String, Object> data = new TreeMap<>();
            secretData.forEach((key, value) -> data.put(key, base64(value.getBytes(StandardCharsets.UTF_8))));
            secret.put("data", data);
            objects.add(secret);
        }
        objects.addAll(converted);
    }

    /** Converts the stack; {@link #warnings()} then says what did not go over. */
    public static KubernetesManifests of(ProjectSpec project) {
        return new KubernetesManifests(project);
    }

    public List<String> warnings() {
        return warnings;
    }

    List<Map<String, Object>> objects() {
        return objects;
    }

    /** All objects as one multi-document YAML stream, ready for {@code kubectl apply -f -}. */
    public String yaml() {
        return yaml(objects);
    }

    /** Into an existing directory, one file per object ({@code catalog-deployment.yaml}); otherwise one file with all of them. */
    public void write(Path target) {
        try {
            if (Files.isDirectory(target)) {
                for (Map<String, Object> object : objects) {
                    String name = (String) ((Map<?, ?>) object.get("metadata")).get("name");
                    String kind = ((String) object.get("kind")).toLowerCase(Locale.ROOT);
                    Files.writeString(target.resolve(name + "-" + kind + ".yaml"), yaml(List.of(object)));
                }
            } else {
                Files.writeString(target, yaml());
            }
        } catch (IOException e) {
            throw new FigException("write " + target + ": " + e.getMessage(), e);
        }
    }

    private static String yaml(List<Map<String, Object>> documents) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setExplicitStart(true);
        // A long probe command stays on one line, as written, rather than folded over two.
        options.setSplitLines(false);
        return new Yaml(new ReadableText(options), options).dumpAll(documents.iterator());
    }

    /** A script in a ConfigMap stays readable: multi-line text as a literal block rather than one escaped line. */
    private static final class ReadableText extends Representer {
        ReadableText(DumperOptions options) {
            super(options);
            representers.put(String.class, data -> representScalar(Tag.STR, (String) data,
                    ((String) data).contains("\n") ? DumperOptions.ScalarStyle.LITERAL : defaultScalarStyle));
        }
    }

    // --- one service ---

    private List<Map<String, Object>> convert(ServiceSpec s) {
        String name = dnsLabel(s.name());
        if (!name.equals(s.name())) {
            warn(s.name(), "is named " + name + " in the cluster (object names are DNS labels); clients that reach it as "
                    + s.name() + " must use " + name);
        }
        s.networks().forEach((network, aliases) -> {
            if (!aliases.isEmpty()) {
                warn(s.name() + ".networks." + network + ".aliases", aliases + " are not converted; in the cluster only "
                        + name + " resolves");
            }
        });
        Workload workload = oneShot(s) ? Workload.POD
                : s.volumes().stream().anyMatch(v -> !v.startsWith("/")) ? Workload.STATEFUL_SET : Workload.DEPLOYMENT;
        List<Map<String, Object>> out = new ArrayList<>();
        List<Map<String, Object>> mounts = new ArrayList<>();
        List<Map<String, Object>> podVolumes = new ArrayList<>();
        List<Map<String, Object>> claims = new ArrayList<>();
        Map<String, Object> configMap = mounts(s, name, workload, mounts, podVolumes, claims);
        if (configMap != null) {
            out.add(configMap);
        }
        List<Port> ports = ports(s);
        Map<String, Object> container = container(s, name, ports, mounts);
        Map<String, Object> pod = new LinkedHashMap<>();
        pod.put("containers", List.of(container));
        putIfPresent(pod, "volumes", podVolumes);
        if (workload == Workload.STATEFUL_SET) {
            // The headless Service a StatefulSet names its pods under; it also resolves the service's name, any port.
            out.add(service(name, ports, true));
        } else if (!ports.isEmpty()) {
            out.add(service(name, ports, false));
        }
        out.add(workload(s, name, workload, pod, claims));
        return out;
    }

    /**
     * A service run to finish rather than to serve: restart "no" or "on-failure", or one that another
     * service waits to complete (the jre service only shows that the base image runs). It becomes a
     * bare Pod, as kompose makes it: a Deployment would run it again forever, and skipping it would
     * drop work the file asks for. An unset restart is compose's "no" as well, but such a service is
     * nearly always a server in the foreground, so it stays a Deployment, as kompose keeps it.
     */
    private boolean oneShot(ServiceSpec s) {
        boolean finishes = s.restart() != null && (s.restart().equals("no") || s.restart().startsWith("on-failure"));
        return finishes || project.services().stream()
                .anyMatch(other -> other.dependsOn().get(s.name()) == ServiceSpec.Condition.SERVICE_COMPLETED_SUCCESSFULLY);
    }

    private Map<String, Object> workload(ServiceSpec s, String name, Workload workload, Map<String, Object> pod,
                                         List<Map<String, Object>> claims) {
        if (workload == Workload.POD) {
            pod.put("restartPolicy", s.restart() != null && s.restart().startsWith("on-failure") ? "OnFailure" : "Never");
            Map<String, Object> object = object("v1", "Pod", name);
            object.put("spec", pod);
            return object;
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        if (workload == Workload.STATEFUL_SET) {
            spec.put("serviceName", name);
        }
        spec.put("replicas", s.replicas());
        spec.put("selector", map("matchLabels", labels(name)));
        spec.put("template", map("metadata", map("labels", labels(name)), "spec", pod));
        if (workload == Workload.STATEFUL_SET) {
            spec.put("volumeClaimTemplates", claims);
        }
        Map<String, Object> object = object("apps/v1", workload == Workload.STATEFUL_SET ? "StatefulSet" : "Deployment", name);
        object.put("spec", spec);
        return object;
    }

    private Map<String, Object> container(ServiceSpec s, String name, List<Port> ports, List<Map<String, Object>> mounts) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name);
        c.put("image", s.image());
        // Compose's entrypoint is what Kubernetes calls command, and compose's command its args.
        putIfPresent(c, "command", s.entrypoint());
        putIfPresent(c, "args", s.command());
        putIfPresent(c, "workingDir", s.workingDir());
        List<Map<String, Object>> env = new ArrayList<>();
        s.environment().forEach((variable, value) -> {
            if (SECRET_VARIABLE.matcher(variable).find()) {
                String key = ambiguousSecrets.contains(variable) ? s.name() + "." + variable : variable;
                secretData.put(key, value);
                env.add(map("name", variable, "valueFrom", map("secretKeyRef", map("name", secretName, "key", key))));
            } else {
                env.add(map("name", variable, "value", value));
            }
        });
        putIfPresent(c, "env", env);
        putIfPresent(c, "ports", ports.stream().map(p -> map("name", p.name(), "containerPort", p.number(), "protocol", p.protocol())).toList());
        Map<String, Object> limits = new LinkedHashMap<>();
        if (s.memoryBytes() > 0) {
            limits.put("memory", quantity(s.memoryBytes()));
        }
        if (s.cpus() > 0) {
            limits.put("cpu", Math.round(s.cpus() * 1000) + "m");
        }
        putIfPresent(c, "resources", limits.isEmpty() ? null : map("limits", limits));
        probes(s, c);
        putIfPresent(c, "volumeMounts", mounts);
        if (s.user() != null) {
            Matcher uid = Pattern.compile("(\\d+)(?::(\\d+))?").matcher(s.user());
            if (uid.matches()) {
                Map<String, Object> context = map("runAsUser", Long.parseLong(uid.group(1)));
                if (uid.group(2) != null) {
                    context.put("runAsGroup", Long.parseLong(uid.group(2)));
                }
                c.put("securityContext", context);
            } else {
                warn(s.name() + ".user", "\"" + s.user() + "\" is not converted: Kubernetes takes a numeric uid[:gid] only");
            }
        }
        return c;
    }

    /** Container ports: the container side of each published port, and each exposed one. */
    private List<Port> ports(ServiceSpec s) {
        List<Port> ports = new ArrayList<>();
        for (String published : s.ports()) {
            String container = published.substring(published.lastIndexOf(':') + 1).replace("/tcp", "");
            ports.add(new Port(Integer.parseInt(container), "TCP"));
        }
        for (String exposed : s.expose()) {
            Matcher m = EXPOSED_PORT.matcher(exposed);
            if (m.matches()) {
                ports.add(new Port(Integer.parseInt(m.group(1)), m.group(2) == null ? "TCP" : m.group(2).toUpperCase(Locale.ROOT)));
            } else {
                warn(s.name() + ".expose", "\"" + exposed + "\" is not PORT[/tcp|/udp]; not converted");
            }
        }
        return ports.stream().distinct().toList();
    }

    /** A ClusterIP Service named after the service, so that its name resolves in the cluster as on the stack's network. */
    private Map<String, Object> service(String name, List<Port> ports, boolean headless) {
        Map<String, Object> spec = new LinkedHashMap<>();
        // Published host ports stay ClusterIP as well: which Services face the outside (a LoadBalancer, an Ingress, a
        // NodePort) is the cluster's choice, and on this stack discovery publishes 8761 for a developer's browser only.
        spec.put("type", "ClusterIP");
        if (headless) {
            spec.put("clusterIP", "None");
        }
        spec.put("selector", labels(name));
        putIfPresent(spec, "ports", ports.stream()
                .map(p -> map("name", p.name(), "port", p.number(), "targetPort", p.number(), "protocol", p.protocol())).toList());
        Map<String, Object> object = object("v1", "Service", name);
        object.put("spec", spec);
        return object;
    }

    // --- probes ---

    /** Liveness and readiness from the healthcheck; its start period becomes a startup probe, which holds both back until it passes. */
    private void probes(ServiceSpec s, Map<String, Object> container) {
        ServiceSpec.Healthcheck check = healthcheck(s);
        if (check == null || check.test().get(0).equals("NONE")) {
            return;
        }
        long interval = check.interval() > 0 ? check.interval() : DOCKER_INTERVAL.toNanos();
        int retries = check.retries() > 0 ? check.retries() : DOCKER_RETRIES;
        container.put("livenessProbe", probe(check, interval, retries));
        container.put("readinessProbe", probe(check, interval, retries));
        if (check.startPeriod() > 0) {
            // Docker does not count failures during the start period and then allows its retries; so does this probe.
            int startChecks = (int) ((check.startPeriod() + interval - 1) / interval);
            container.put("startupProbe", probe(check, interval, startChecks + retries));
        }
    }

    private static Map<String, Object> probe(ServiceSpec.Healthcheck check, long interval, int failureThreshold) {
        List<String> command = check.test().get(0).equals("CMD") ? check.test().subList(1, check.test().size())
                : List.of("/bin/sh", "-c", check.test().get(1));
        long timeout = check.timeout() > 0 ? check.timeout() : DOCKER_TIMEOUT.toNanos();
        return map("exec", map("command", command), "periodSeconds", seconds(interval), "timeoutSeconds", seconds(timeout),
                "failureThreshold", failureThreshold);
    }

    /** Whole seconds, rounded up: Kubernetes counts probe times in seconds, at least one. */
    private static long seconds(long nanos) {
        return Math.max(1, (nanos + 999_999_999) / 1_000_000_000);
    }

    /** The file's healthcheck, else the one the image's Dockerfile sets, as Docker runs the image's when the file sets none. */
    private static ServiceSpec.Healthcheck healthcheck(ServiceSpec s) {
        if (s.healthcheck() != null || s.build() == null) {
            return s.healthcheck();
        }
        Path dockerfile = s.build().context().resolve(s.build().dockerfile());
        if (!Files.isRegularFile(dockerfile)) {
            return null;
        }
        try {
            return HealthcheckInstruction.ofFinalStage(new DockerfileParser(dockerfile.toString()).parse(Files.readString(dockerfile)))
                    .map(KubernetesManifests::healthcheck).orElse(null);
        } catch (IOException e) {
            throw new FigException("read " + dockerfile + ": " + e.getMessage(), e);
        } catch (EngineException e) {
            throw new FigException(s.name() + ".build: " + e.getMessage(), e);
        }
    }

    private static ServiceSpec.Healthcheck healthcheck(ContainerConfig.Healthcheck image) {
        return new ServiceSpec.Healthcheck(image.test(), orZero(image.interval()), orZero(image.timeout()),
                orZero(image.startPeriod()), image.retries() == null ? 0 : image.retries());
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }

    // --- volumes ---

    /**
     * Fills the container's mounts and the pod's volumes; returns the ConfigMap of the service's
     * bind-mounted host files, or null. A named volume becomes a volume claim template, so each
     * replica of the StatefulSet keeps its own. A host path cannot go to a cluster: a single file
     * goes in the ConfigMap, anything else is left out with a warning.
     */
    private Map<String, Object> mounts(ServiceSpec s, String name, Workload workload, List<Map<String, Object>> mounts,
                                       List<Map<String, Object>> podVolumes, List<Map<String, Object>> claims) {
        String key = s.name() + ".volumes";
        String filesName = name + "-files";
        Map<String, Object> text = new TreeMap<>();
        Map<String, Object> binary = new TreeMap<>();
        List<Map<String, Object>> items = new ArrayList<>();
        for (String volume : s.volumes()) {
            String[] parts = volume.split(":");
            String source = parts[0];
            String target = parts[1];
            boolean readOnly = parts.length > 2 && parts[2].startsWith("ro");
            if (!source.startsWith("/")) {
                if (workload == Workload.POD) {
                    warn(key, "named volume " + source + " is not converted: a one-shot Pod has no claim templates");
                    continue;
                }
                String claim = dnsLabel(source);
                Map<String, Object> mount = map("name", claim, "mountPath", target);
                if (readOnly) {
                    mount.put("readOnly", true);
                }
                mounts.add(mount);
                claims.add(map("metadata", map("name", claim), "spec", map("accessModes", List.of("ReadWriteOnce"),
                        "resources", map("requests", map("storage", CLAIM_SIZE)))));
                continue;
            }
            Path file = Path.of(source);
            if (!Files.isRegularFile(file)) {
                warn(key, source + (Files.isDirectory(file) ? " is a host directory" : " does not exist")
                        + ": only a single host file can go to a cluster (as a ConfigMap); not mounted at " + target);
                continue;
            }
            String fileKey = file.getFileName().toString().replaceAll("[^-._a-zA-Z0-9]", "_");
            byte[] content = read(file);
            if (content.length > CONFIG_MAP_LIMIT) {
                warn(key, source + " is larger than a ConfigMap may be (1 MiB); not mounted at " + target);
                continue;
            }
            if (text.containsKey(fileKey) || binary.containsKey(fileKey)) {
                warn(key, source + ": another mounted file has the name " + fileKey + "; not mounted at " + target);
                continue;
            }
            if (!readOnly) {
                warn(key, source + " is mounted read-only at " + target + ": a ConfigMap cannot be written");
            }
            String utf8 = utf8(content);
            if (utf8 != null) {
                text.put(fileKey, utf8);
            } else {
                binary.put(fileKey, base64(content));
            }
            items.add(map("key", fileKey, "path", fileKey, "mode", executable(file) ? 0755 : 0644));
            mounts.add(map("name", filesName, "mountPath", target, "subPath", fileKey, "readOnly", true));
        }
        if (items.isEmpty()) {
            return null;
        }
        podVolumes.add(map("name", filesName, "configMap", map("name", filesName, "items", items)));
        Map<String, Object> configMap = object("v1", "ConfigMap", filesName);
        putIfPresent(configMap, "data", text);
        putIfPresent(configMap, "binaryData", binary);
        return configMap;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new FigException("read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Keeps a script runnable: the entrypoint of the postgres image runs an init script only when it is executable. */
    private static boolean executable(Path file) {
        try {
            return Files.getPosixFilePermissions(file).contains(PosixFilePermission.OWNER_EXECUTE);
        } catch (IOException e) {
            throw new FigException("read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String utf8(byte[] content) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    // --- shapes ---

    private Map<String, Object> object(String apiVersion, String kind, String name) {
        return map("apiVersion", apiVersion, "kind", kind, "metadata", map("name", name, "labels", labels(name)));
    }

    private Map<String, Object> labels(String name) {
        return map("app.kubernetes.io/name", name, "app.kubernetes.io/part-of", dnsLabel(project.name()));
    }

    /** An ordered map from key, value pairs, so the YAML keeps the order Kubernetes users read. */
    private static Map<String, Object> map(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private static void putIfPresent(Map<String, Object> map, String key, Object value) {
        boolean empty = value == null || value instanceof List<?> list && list.isEmpty() || value instanceof Map<?, ?> m && m.isEmpty();
        if (!empty) {
            map.put(key, value);
        }
    }

    /** Memory in the binary unit that divides it, as people write limits. */
    private static String quantity(long bytes) {
        String[] units = {"Gi", "Mi", "Ki"};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << (10 * (units.length - i));
            if (bytes % unit == 0) {
                return bytes / unit + units[i];
            }
        }
        return Long.toString(bytes);
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** An object name as Kubernetes takes it (an RFC 1123 label): lower-case letters, digits and '-', at most 63. */
    static String dnsLabel(String name) {
        String label = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        return label.length() > 63 ? label.substring(0, 63).replaceAll("-+$", "") : label;
    }

    private void warn(String key, String message) {
        warnings.add(key + ": " + message);
    }
}
