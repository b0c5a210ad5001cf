package shop.engine.fig;

import static shop.engine.fig.KubernetesObjects.base64;
import static shop.engine.fig.KubernetesObjects.dnsLabel;
import static shop.engine.fig.KubernetesObjects.map;
import static shop.engine.fig.KubernetesObjects.putIfPresent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

/**
 * A stack as Kubernetes objects, converted the way kompose converts a compose file (its
 * docs/conversion.md): a Deployment per service, a StatefulSet with a volume claim per named
 * volume for a service that keeps data, a Service where ports are declared, probes from the
 * healthcheck, the passwords in one Secret, and bind-mounted host files in a ConfigMap.
 *
 * <p>{@code links}, {@code depends_on} and {@code network_mode} have no counterpart: cluster DNS
 * resolves a Service by the service's name, and a pod that starts before its dependency answers
 * fails and is restarted until it does. Whatever cannot go to a cluster as it is becomes a warning
 * that names the service and the key. Probes ({@link KubernetesProbes}), volumes
 * ({@link KubernetesVolumes}) and the YAML ({@link ManifestFiles}) are classes of their own.
 */
public final class KubernetesManifests {

    /** PASS also matches PASSWORD. */
    private static final Pattern SECRET_VARIABLE = Pattern.compile("PASS|SECRET|TOKEN", Pattern.CASE_INSENSITIVE);
    /** A URL carrying its account, such as EUREKA_URL's {@code http://eureka:secret@discovery:8761/}. */
    private static final Pattern URL_WITH_PASSWORD = Pattern.compile("://[^/@\\s]*:[^/@\\s]*@");
    private static final Pattern EXPOSED_PORT = Pattern.compile("(\\d{1,5})(?:/(tcp|udp))?");

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
    private final Map<String, byte[]> secretData = new TreeMap<>();
    private final List<Map<String, Object>> objects = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    private static boolean secret(String variable, String value) {
        return SECRET_VARIABLE.matcher(variable).find() || URL_WITH_PASSWORD.matcher(value).find();
    }

    private KubernetesManifests(ProjectSpec project) {
        this.project = project;
        this.secretName = dnsLabel(project.name()) + "-secrets";
        Map<String, Set<String>> secretValues = new HashMap<>();
        project.services().forEach(s -> s.environment().forEach((variable, value) -> {
            if (secret(variable, value)) {
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
            secretData.forEach((key, value) -> data.put(key, base64(value)));
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
        return ManifestFiles.yaml(objects);
    }

    /** Writes the objects to {@code target}, a directory of one file per object when {@code directory}; see {@link ManifestFiles#write}. */
    public void write(Path target, boolean directory) {
        ManifestFiles.write(objects, target, directory);
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
        KubernetesVolumes.Converted volumes = KubernetesVolumes.convert(s, name, workload == Workload.POD, project.name(), this::warn);
        if (volumes.configMap() != null) {
            out.add(volumes.configMap());
        }
        List<Map<String, Object>> mounts = new ArrayList<>(volumes.mounts());
        List<Map<String, Object>> podVolumes = new ArrayList<>(volumes.podVolumes());
        secretFiles(s, name, mounts, podVolumes);
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
        out.add(workload(s, name, workload, pod, volumes.claims()));
        return out;
    }

    /** The service's secret files go into the stack's Secret, each mounted read-only at its target. */
    private void secretFiles(ServiceSpec s, String name, List<Map<String, Object>> mounts, List<Map<String, Object>> podVolumes) {
        if (s.secrets().isEmpty()) {
            return;
        }
        List<Map<String, Object>> items = new ArrayList<>();
        for (ServiceSpec.Secret secret : s.secrets()) {
            String key = "file." + secret.name();
            try {
                secretData.put(key, Files.readAllBytes(secret.file()));
            } catch (IOException e) {
                throw new FigException("service " + s.name() + ": read secret " + secret.name() + " from " + secret.file()
                        + ": " + e.getMessage(), e);
            }
            items.add(map("key", key, "path", key));
            mounts.add(map("name", name + "-secrets", "mountPath", secret.target(), "subPath", key, "readOnly", true));
        }
        podVolumes.add(map("name", name + "-secrets", "secret", map("secretName", secretName, "items", items)));
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
            if (secret(variable, value)) {
                String key = ambiguousSecrets.contains(variable) ? s.name() + "." + variable : variable;
                secretData.put(key, value.getBytes(StandardCharsets.UTF_8));
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
        KubernetesProbes.add(s, c);
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

    // --- shapes ---

    private Map<String, Object> object(String apiVersion, String kind, String name) {
        return KubernetesObjects.object(apiVersion, kind, name, project.name());
    }

    private Map<String, Object> labels(String name) {
        return KubernetesObjects.labels(name, project.name());
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

    private void warn(String key, String message) {
        warnings.add(key + ": " + message);
    }
}
