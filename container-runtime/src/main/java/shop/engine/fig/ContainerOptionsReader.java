package shop.engine.fig;

import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.LogConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads a service's keys that Docker applies as they are (compose's v1 schema and its later
 * additions) into {@link ContainerOptions}, refusing what Docker would refuse at create time
 * here instead, with the file's line: a misspelt capability, a tmpfs at a relative path, an
 * extra host without an address.
 */
final class ContainerOptionsReader {

    /** Fig 1.0 spells two of them its own way: net (network_mode), and log_driver/log_opt (logging). */
    static final Set<String> KEYS = Set.of("hostname", "domainname", "mac_address", "container_name", "stdin_open", "tty",
            "logging", "log_driver", "log_opt", "net", "network_mode", "dns", "dns_search", "extra_hosts", "external_links",
            "volumes_from", "volume_driver", "pid", "ipc", "privileged", "read_only", "init", "cap_add", "cap_drop",
            "security_opt", "devices", "cgroup_parent", "shm_size", "tmpfs", "sysctls", "ulimits", "cpu_shares",
            "cpu_quota", "cpuset", "mem_reservation", "memswap_limit", "mem_swappiness", "stop_grace_period");

    /** Docker's ulimit names (moby's pkg/ulimit). */
    private static final Set<String> ULIMITS = Set.of("as", "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue",
            "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack");
    private static final String NAME = "[a-zA-Z0-9][a-zA-Z0-9_.-]*";
    private static final String ADDRESS = "\\d{1,3}(\\.\\d{1,3}){3}|[0-9a-fA-F]*:[0-9a-fA-F:.]*";

    private final NodeReader nodes;
    private final Map<String, NodeTuple> keys;
    private final String prefix;
    private final Set<String> services;
    private final boolean fig10;

    private ContainerOptionsReader(NodeReader nodes, Map<String, NodeTuple> keys, String prefix, Set<String> services,
                                   boolean fig10) {
        this.nodes = nodes;
        this.keys = keys;
        this.prefix = prefix;
        this.services = services;
        this.fig10 = fig10;
    }

    /**
     * {@code prefix} is the service's key path, {@code services.web} or (Fig 1.0) {@code web};
     * {@code services} are the stack's, which service:NAME and volumes_from may name. A Fig 1.0
     * file is read as docker-compose reads version 1: its services are on Docker's default bridge,
     * {@code net: container:NAME} may name a service, and volumes_from a container by its bare name.
     */
    static ContainerOptions read(NodeReader nodes, Map<String, NodeTuple> keys, String prefix, Set<String> services,
                                 boolean fig10) {
        return new ContainerOptionsReader(nodes, keys, prefix, services, fig10).read();
    }

    private ContainerOptions read() {
        once("net", "network_mode");
        once("log_driver", "logging");
        once("log_opt", "logging");
        if (keys.containsKey("networks") && (keys.containsKey("net") || keys.containsKey("network_mode"))) {
            throw error(keys.containsKey("net") ? "net" : "network_mode", "network_mode and networks cannot be combined");
        }
        if (keys.containsKey("memswap_limit") && !keys.containsKey("mem_limit")) {
            throw error("memswap_limit", "needs mem_limit too");
        }
        Integer swappiness = keys.containsKey("mem_swappiness") ? integer("mem_swappiness") : null;
        if (swappiness != null && swappiness > 100) {
            throw error("mem_swappiness", swappiness + " is not between 0 and 100");
        }
        String cpuset = text("cpuset");
        if (cpuset != null && !cpuset.matches("\\d+(-\\d+)?(,\\d+(-\\d+)?)*")) {
            throw error("cpuset", "\"" + cpuset + "\" is not a list of CPUs such as 0-2,4");
        }
        String containerName = text("container_name");
        if (containerName != null && !containerName.matches(NAME)) {
            throw error("container_name", "\"" + containerName + "\": letters, digits and _ . - only");
        }
        return new ContainerOptions(text("hostname"), text("domainname"), text("mac_address"), containerName,
                flag("stdin_open"), flag("tty"), logDriver(), logOptions(),
                networkMode(), addresses("dns"), nodes.strings(keys.get("dns_search"), key("dns_search")), extraHosts(),
                externalLinks(), volumesFrom(), text("volume_driver"), namespace("pid", "host"),
                namespace("ipc", "host|private|shareable|none"),
                flag("privileged"), flag("read_only"), keys.containsKey("init") ? nodes.bool(keys.get("init"), key("init")) : null,
                capabilities("cap_add"), capabilities("cap_drop"), nodes.strings(keys.get("security_opt"), key("security_opt")),
                devices(), text("cgroup_parent"), size("shm_size"), tmpfs(), nodes.map(keys.get("sysctls"), key("sysctls"), false),
                ulimits(), keys.containsKey("cpu_shares") ? integer("cpu_shares") : 0,
                keys.containsKey("cpu_quota") ? integer("cpu_quota") : 0, cpuset, size("mem_reservation"), memorySwap(),
                swappiness, stopGraceSeconds());
    }

    private String key(String name) {
        return prefix + "." + name;
    }

    private FigException error(String name, String message) {
        return nodes.error(keys.get(name).getValueNode(), key(name), message);
    }

    private FigException error(Node node, String name, String message) {
        return nodes.error(node, key(name), message);
    }

    private String text(String name) {
        return keys.containsKey(name) ? nodes.scalar(keys.get(name), key(name)) : null;
    }

    private boolean flag(String name) {
        return keys.containsKey(name) && nodes.bool(keys.get(name), key(name));
    }

    private int integer(String name) {
        return nodes.integer(keys.get(name), key(name));
    }

    private long size(String name) {
        return keys.containsKey(name) ? nodes.size(keys.get(name), key(name)) : 0;
    }

    /** The same setting under Fig 1.0's name or compose's, but not both. */
    private void once(String fig, String compose) {
        if (keys.containsKey(fig) && keys.containsKey(compose)) {
            throw error(fig, "say it once, as " + compose + " or as " + fig);
        }
    }

    private String networkMode() {
        String mode = namespace(keys.containsKey("net") ? "net" : "network_mode", "host|none|bridge");
        return mode != null ? mode : fig10 ? "bridge" : null;
    }

    /** network_mode, pid and ipc: one of the modes, or another container's or service's namespace. */
    private String namespace(String name, String modes) {
        String mode = text(name);
        if (mode == null || mode.matches(modes)) {
            return mode;
        }
        if (!mode.matches("(container|service):" + NAME)) {
            throw error(name, "\"" + mode + "\": want " + modes.replace("|", ", ") + ", container:NAME or service:NAME");
        }
        String target = mode.substring(mode.indexOf(':') + 1);
        if (mode.startsWith("service:") && !services.contains(target)) {
            throw error(name, "no service \"" + target + "\" (or it is in a profile that is not enabled)");
        }
        return fig10 && services.contains(target) ? "service:" + target : mode;
    }

    private String logDriver() {
        String driver;
        String name;
        if (keys.containsKey("logging")) {
            Map<String, NodeTuple> logging = nodes.entries(keys.get("logging"), key("logging"));
            unknownKeys(logging, "logging", Set.of("driver", "options"));
            name = "logging";
            driver = logging.containsKey("driver") ? nodes.scalar(logging.get("driver"), key("logging.driver")) : null;
        } else {
            name = "log_driver";
            driver = text("log_driver");
        }
        if (driver != null && LogConfig.LoggingType.fromValue(driver) == null) {
            List<String> known = Arrays.stream(LogConfig.LoggingType.values()).map(LogConfig.LoggingType::getType).distinct().toList();
            throw error(name, "log driver \"" + driver + "\": want one of " + String.join(", ", known));
        }
        return driver;
    }

    private Map<String, String> logOptions() {
        if (keys.containsKey("logging")) {
            NodeTuple options = nodes.entries(keys.get("logging"), key("logging")).get("options");
            return nodes.map(options, key("logging.options"), false);
        }
        return nodes.map(keys.get("log_opt"), key("log_opt"), false);
    }

    private void unknownKeys(Map<String, NodeTuple> entries, String name, Set<String> allowed) {
        entries.forEach((k, tuple) -> {
            if (!allowed.contains(k)) {
                throw nodes.error(tuple.getKeyNode(), key(name + "." + k), "unknown key (want " + String.join(" or ", allowed) + ")");
            }
        });
    }

    private List<String> addresses(String name) {
        List<String> values = nodes.strings(keys.get(name), key(name));
        for (String value : values) {
            if (!value.matches(ADDRESS)) {
                throw error(name, "\"" + value + "\" is not an IP address");
            }
        }
        return values;
    }

    /** Docker's {@code host:address}, from a list of those or a mapping of host to address. */
    private List<String> extraHosts() {
        List<String> hosts = new ArrayList<>();
        nodes.map(keys.get("extra_hosts"), key("extra_hosts"), ':', false).forEach((host, address) -> {
            if (!host.matches(NAME) || !(address.matches(ADDRESS) || address.equals("host-gateway"))) {
                throw error("extra_hosts", "\"" + host + ":" + address + "\" is not HOST:IP");
            }
            hosts.add(host + ":" + address);
        });
        return hosts;
    }

    private List<String> externalLinks() {
        List<String> links = nodes.strings(keys.get("external_links"), key("external_links"));
        for (String link : links) {
            if (!link.matches(NAME + "(:" + NAME + ")?")) {
                throw error("external_links", "\"" + link + "\" is not CONTAINER[:ALIAS]");
            }
        }
        return links;
    }

    /** Each as {@code SERVICE[:mode]} or {@code container:NAME[:mode]}. */
    private List<String> volumesFrom() {
        List<String> sources = new ArrayList<>();
        for (String source : nodes.strings(keys.get("volumes_from"), key("volumes_from"))) {
            if (!source.matches("(container:)?" + NAME + "(:ro|:rw)?")) {
                throw error("volumes_from", "\"" + source + "\" is not SERVICE[:ro|:rw] or container:NAME[:ro|:rw]");
            }
            String name = source.split(":")[0];
            if (source.startsWith("container:") || services.contains(name)) {
                sources.add(source);
            } else if (fig10) {
                sources.add("container:" + source);
            } else {
                throw error("volumes_from", "no service \"" + name + "\" (write container:" + name + " for a container)");
            }
        }
        return sources;
    }

    /** Docker takes them without the CAP_ prefix, and knows them all by name. */
    private List<String> capabilities(String name) {
        List<String> capabilities = new ArrayList<>();
        for (String value : nodes.strings(keys.get(name), key(name))) {
            String bare = value.toUpperCase().replaceFirst("^CAP_", "");
            if (Arrays.stream(Capability.values()).noneMatch(c -> c.name().equals(bare))) {
                throw error(name, "\"" + value + "\" is not a Linux capability (e.g. NET_ADMIN, SYS_TIME, ALL)");
            }
            capabilities.add(bare);
        }
        return capabilities;
    }

    private List<String> devices() {
        List<String> devices = nodes.strings(keys.get("devices"), key("devices"));
        for (String device : devices) {
            if (!device.matches("/[^:]+(:/[^:]+)?(:[rwm]{1,3})?")) {
                throw error("devices", "\"" + device + "\" is not /HOST/PATH[:/CONTAINER/PATH][:rwm]");
            }
        }
        return devices;
    }

    /** compose's {@code /run} or {@code /run:size=64m}, one or a list. */
    private Map<String, String> tmpfs() {
        Map<String, String> mounts = new LinkedHashMap<>();
        for (String item : nodes.strings(keys.get("tmpfs"), key("tmpfs"))) {
            int colon = item.indexOf(':');
            String path = colon < 0 ? item : item.substring(0, colon);
            if (!path.startsWith("/")) {
                throw error("tmpfs", "\"" + item + "\": the mount point must be an absolute path");
            }
            mounts.put(path, colon < 0 ? "" : item.substring(colon + 1));
        }
        return mounts;
    }

    /** {@code nofile: 1024} or {@code nofile: {soft: 1024, hard: 4096}}. */
    private Map<String, ContainerOptions.Ulimit> ulimits() {
        Map<String, ContainerOptions.Ulimit> limits = new LinkedHashMap<>();
        if (!keys.containsKey("ulimits")) {
            return limits;
        }
        for (Map.Entry<String, NodeTuple> e : nodes.entries(keys.get("ulimits"), key("ulimits")).entrySet()) {
            String name = "ulimits." + e.getKey();
            if (!ULIMITS.contains(e.getKey())) {
                throw error(e.getValue().getKeyNode(), name, "not a resource Docker limits (want one of "
                        + String.join(", ", ULIMITS.stream().sorted().toList()) + ")");
            }
            ContainerOptions.Ulimit limit;
            if (e.getValue().getValueNode() instanceof ScalarNode) {
                long value = nodes.integer(e.getValue(), key(name));
                limit = new ContainerOptions.Ulimit(value, value);
            } else {
                Map<String, NodeTuple> pair = nodes.entries(e.getValue(), key(name));
                unknownKeys(pair, name, Set.of("soft", "hard"));
                if (!pair.containsKey("soft") || !pair.containsKey("hard")) {
                    throw error(e.getValue().getValueNode(), name, "want both soft and hard");
                }
                limit = new ContainerOptions.Ulimit(nodes.integer(pair.get("soft"), key(name + ".soft")),
                        nodes.integer(pair.get("hard"), key(name + ".hard")));
                if (limit.soft() > limit.hard()) {
                    throw error(e.getValue().getValueNode(), name, "the soft limit " + limit.soft() + " is above the hard " + limit.hard());
                }
            }
            limits.put(e.getKey(), limit);
        }
        return limits;
    }

    /** Docker's -1 means no swap limit. */
    private long memorySwap() {
        return "-1".equals(text("memswap_limit")) ? -1 : size("memswap_limit");
    }

    /** Whole seconds, rounded up: Docker's stop timeout has no finer unit. */
    private Integer stopGraceSeconds() {
        if (!keys.containsKey("stop_grace_period")) {
            return null;
        }
        long nanos = nodes.duration(keys.get("stop_grace_period"), key("stop_grace_period"));
        return (int) Math.min(Integer.MAX_VALUE, (nanos + 999_999_999L) / 1_000_000_000L);
    }
}
