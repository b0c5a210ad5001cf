package shop.engine.fig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/** The resolved stack written back in the compose format, as {@code fig config} prints it. */
final class ResolvedFile {

    private ResolvedFile() {
    }

    /** The stack with paths absolute, variables substituted and defaults applied. */
    static String yaml(ProjectSpec project) {
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
            putIf(out, "secrets", s.secrets().isEmpty() ? null
                    : s.secrets().stream().map(m -> Map.of("source", m.name(), "target", m.target())).toList());
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
                hc.put("start_interval", s.healthcheck().startInterval() / 1_000_000 + "ms");
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
            putIf(out, "links", s.links().isEmpty() ? null : s.links());
            options(s.options(), out);
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
        Map<String, Object> secrets = new TreeMap<>();
        project.services().forEach(s -> s.secrets().forEach(m -> secrets.put(m.name(), Map.of("file", m.file().toString()))));
        putIf(root, "secrets", secrets.isEmpty() ? null : secrets);
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(options).dump(root);
    }

    /** The keys that pass to Docker as they are, those set. */
    private static void options(ContainerOptions o, Map<String, Object> out) {
        putIf(out, "container_name", o.containerName());
        putIf(out, "hostname", o.hostname());
        putIf(out, "domainname", o.domainname());
        putIf(out, "mac_address", o.macAddress());
        putIf(out, "stdin_open", o.stdinOpen() ? true : null);
        putIf(out, "tty", o.tty() ? true : null);
        if (o.logDriver() != null || !o.logOptions().isEmpty()) {
            Map<String, Object> logging = new LinkedHashMap<>();
            putIf(logging, "driver", o.logDriver());
            putIf(logging, "options", o.logOptions().isEmpty() ? null : o.logOptions());
            out.put("logging", logging);
        }
        putIf(out, "network_mode", o.networkMode());
        putIf(out, "dns", o.dns().isEmpty() ? null : o.dns());
        putIf(out, "dns_search", o.dnsSearch().isEmpty() ? null : o.dnsSearch());
        putIf(out, "extra_hosts", o.extraHosts().isEmpty() ? null : o.extraHosts());
        putIf(out, "external_links", o.externalLinks().isEmpty() ? null : o.externalLinks());
        putIf(out, "volumes_from", o.volumesFrom().isEmpty() ? null : o.volumesFrom());
        putIf(out, "volume_driver", o.volumeDriver());
        putIf(out, "pid", o.pid());
        putIf(out, "ipc", o.ipc());
        putIf(out, "privileged", o.privileged() ? true : null);
        putIf(out, "read_only", o.readOnly() ? true : null);
        putIf(out, "init", o.init());
        putIf(out, "cap_add", o.capAdd().isEmpty() ? null : o.capAdd());
        putIf(out, "cap_drop", o.capDrop().isEmpty() ? null : o.capDrop());
        putIf(out, "security_opt", o.securityOpt().isEmpty() ? null : o.securityOpt());
        putIf(out, "devices", o.devices().isEmpty() ? null : o.devices());
        putIf(out, "cgroup_parent", o.cgroupParent());
        putIf(out, "shm_size", o.shmSize() > 0 ? o.shmSize() : null);
        List<String> tmpfs = new ArrayList<>();
        o.tmpfs().forEach((path, options) -> tmpfs.add(options.isEmpty() ? path : path + ":" + options));
        putIf(out, "tmpfs", tmpfs.isEmpty() ? null : tmpfs);
        putIf(out, "sysctls", o.sysctls().isEmpty() ? null : o.sysctls());
        Map<String, Object> ulimits = new LinkedHashMap<>();
        o.ulimits().forEach((name, limit) -> ulimits.put(name, Map.of("soft", limit.soft(), "hard", limit.hard())));
        putIf(out, "ulimits", ulimits.isEmpty() ? null : ulimits);
        putIf(out, "cpu_shares", o.cpuShares() > 0 ? o.cpuShares() : null);
        putIf(out, "cpu_quota", o.cpuQuota() > 0 ? o.cpuQuota() : null);
        putIf(out, "cpuset", o.cpuset());
        putIf(out, "mem_reservation", o.memoryReservation() > 0 ? o.memoryReservation() : null);
        putIf(out, "memswap_limit", o.memorySwap() != 0 ? o.memorySwap() : null);
        putIf(out, "mem_swappiness", o.memorySwappiness());
        putIf(out, "stop_grace_period", o.stopGraceSeconds() == null ? null : o.stopGraceSeconds() + "s");
    }

    private static void putIf(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
