package shop.engine.container;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import shop.engine.network.NetworkService;
import shop.engine.network.PortProxy;
import shop.engine.runtime.TerminalSize;
import shop.engine.support.EngineException;
import shop.engine.support.Json;

/**
 * How the host runs a container (Docker's HostConfig names): mounts, network, names and DNS,
 * privileges, namespaces, limits, restarts. The record only normalises what it reads (it also
 * reads old container.json files); what a new container asks for is checked at create
 * ({@link HostConfigRules}, {@link ContainerMounts}).
 */
public record HostConfig(
        @JsonProperty("Binds") List<String> binds,
        @JsonProperty("Mounts") List<MountSpec> mounts,
        @JsonProperty("Tmpfs") Map<String, String> tmpfs,
        @JsonProperty("VolumesFrom") List<String> volumesFrom,
        @JsonProperty("NetworkMode") String networkMode,
        @JsonProperty("PortBindings") Map<String, List<PortBinding>> portBindings,
        @JsonProperty("PublishAllPorts") boolean publishAllPorts,
        @JsonProperty("Links") List<String> links,
        @JsonProperty("ExtraHosts") List<String> extraHosts,
        @JsonProperty("Dns") List<String> dns,
        @JsonProperty("DnsSearch") List<String> dnsSearch,
        @JsonProperty("DnsOptions") List<String> dnsOptions,
        @JsonProperty("RestartPolicy") RestartPolicy restartPolicy,
        @JsonProperty("AutoRemove") boolean autoRemove,
        @JsonProperty("Privileged") boolean privileged,
        @JsonProperty("CapAdd") List<String> capAdd,
        @JsonProperty("CapDrop") List<String> capDrop,
        @JsonProperty("SecurityOpt") List<String> securityOpt,
        @JsonProperty("MaskedPaths") List<String> maskedPaths,
        @JsonProperty("ReadonlyPaths") List<String> readonlyPaths,
        @JsonProperty("ReadonlyRootfs") boolean readonlyRootfs,
        @JsonProperty("Init") Boolean init,
        @JsonProperty("GroupAdd") List<String> groupAdd,
        @JsonProperty("Ulimits") List<Ulimit> ulimits,
        @JsonProperty("Sysctls") Map<String, String> sysctls,
        @JsonProperty("OomScoreAdj") int oomScoreAdj,
        @JsonProperty("PidMode") String pidMode,
        @JsonProperty("IpcMode") String ipcMode,
        @JsonProperty("UTSMode") String utsMode,
        @JsonProperty("CgroupnsMode") String cgroupnsMode,
        @JsonProperty("ShmSize") long shmSize,
        @JsonProperty("Memory") long memory,
        @JsonProperty("MemoryReservation") long memoryReservation,
        @JsonProperty("MemorySwap") long memorySwap,
        @JsonProperty("NanoCpus") long nanoCpus,
        @JsonProperty("CpuShares") long cpuShares,
        @JsonProperty("CpuPeriod") long cpuPeriod,
        @JsonProperty("CpuQuota") long cpuQuota,
        @JsonProperty("CpusetCpus") String cpusetCpus,
        @JsonProperty("CpusetMems") String cpusetMems,
        @JsonProperty("PidsLimit") Long pidsLimit,
        @JsonProperty("ConsoleSize") List<Integer> consoleSize) {

    /** Every field at its default, as a create body without HostConfig asks. */
    public static final HostConfig DEFAULT = Json.MAPPER.convertValue(Map.of(), HostConfig.class);

    public HostConfig {
        binds = listOf(binds);
        mounts = listOf(mounts);
        tmpfs = tmpfs == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(tmpfs));
        volumesFrom = listOf(volumesFrom);
        networkMode = networkMode == null || networkMode.isEmpty() || networkMode.equals("default")
                ? NetworkService.DEFAULT : networkMode;
        if (!networkMode.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
            throw EngineException.invalid("network mode \"" + networkMode + "\": host, none, or the name of a network");
        }
        Map<String, List<PortBinding>> ports = new LinkedHashMap<>();
        if (portBindings != null) {
            portBindings.forEach((port, hosts) -> ports.put(port, hosts == null ? List.of() : List.copyOf(hosts)));
        }
        portBindings = Collections.unmodifiableMap(ports);
        explicitBindings(portBindings);
        links = listOf(links);
        extraHosts = listOf(extraHosts);
        dns = listOf(dns);
        dnsSearch = listOf(dnsSearch);
        dnsOptions = listOf(dnsOptions);
        restartPolicy = restartPolicy == null ? RestartPolicy.NO : restartPolicy;
        capAdd = listOf(capAdd);
        capDrop = listOf(capDrop);
        securityOpt = listOf(securityOpt);
        // null is Docker's lists; empty (what the CLI sends for systempaths=unconfined) is none.
        maskedPaths = maskedPaths == null ? null : listOf(maskedPaths);
        readonlyPaths = readonlyPaths == null ? null : listOf(readonlyPaths);
        groupAdd = listOf(groupAdd);
        ulimits = listOf(ulimits);
        sysctls = sysctls == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(sysctls));
        pidMode = pidMode == null ? "" : pidMode;
        ipcMode = ipcMode == null ? "" : ipcMode;
        utsMode = utsMode == null ? "" : utsMode;
        // Docker's default on a cgroup v2 host, and ours on any: the container sees its cgroup as the root.
        cgroupnsMode = cgroupnsMode == null || cgroupnsMode.isEmpty() ? "private" : cgroupnsMode;
        cpusetCpus = cpusetCpus == null ? "" : cpusetCpus;
        cpusetMems = cpusetMems == null ? "" : cpusetMems;
        consoleSize = listOf(consoleSize);
        // Docker's PidsLimit -1 (like 0) is no limit.
        if (memory < 0 || nanoCpus < 0 || (pidsLimit != null && pidsLimit < -1)) {
            throw EngineException.invalid("HostConfig.Memory, NanoCpus and PidsLimit cannot be negative (PidsLimit -1 is no limit)");
        }
        terminalSize(consoleSize);
    }

    /** The first size of the container's terminal, from ConsoleSize [height, width]; unset when absent. */
    public TerminalSize terminalSize() {
        return terminalSize(consoleSize);
    }

    private static TerminalSize terminalSize(List<Integer> consoleSize) {
        TerminalSize size = TerminalSize.ofConsoleSize(consoleSize, "HostConfig.ConsoleSize");
        return size == null ? TerminalSize.UNSET : size;
    }

    /** Docker's ulimit: {@code {"Name": "nofile", "Soft": 1024, "Hard": 2048}}, -1 for unlimited. */
    public record Ulimit(@JsonProperty("Name") String name, @JsonProperty("Soft") long soft, @JsonProperty("Hard") long hard) {
    }

    /** Init true asks for docker-init as pid 1; null and false run the entrypoint as pid 1. */
    public boolean runsInit() {
        return Boolean.TRUE.equals(init);
    }

    private static <T> List<T> listOf(List<T> values) {
        return values == null ? List.of() : values.stream().filter(Objects::nonNull).toList();
    }

    /** Docker's {@code {"HostIp": "", "HostPort": "8080"}}; an empty HostPort means any free port. */
    public record PortBinding(@JsonProperty("HostIp") String hostIp, @JsonProperty("HostPort") String hostPort) {
    }

    /** "host" and "none" are modes; anything else names a network the container joins. */
    public boolean joinsNetwork() {
        return !networkMode.equals("host") && !networkMode.equals("none");
    }

    /** The ports to publish: the explicit bindings, then, with PublishAllPorts, every other exposed port on any free port. */
    public List<PortProxy.Binding> publishedPorts(Map<String, Object> exposedPorts) {
        List<PortProxy.Binding> result = explicitBindings(portBindings);
        if (publishAllPorts && exposedPorts != null) {
            exposedPorts.keySet().stream()
                    .map(port -> new PortProxy.Binding(port, "", 0))
                    .filter(b -> result.stream().noneMatch(r -> r.containerPort().equals(b.containerPort())))
                    .forEach(result::add);
        }
        return result;
    }

    /** Also validates them, so a bad port fails the create, not the start. */
    private static List<PortProxy.Binding> explicitBindings(Map<String, List<PortBinding>> portBindings) {
        List<PortProxy.Binding> result = new ArrayList<>();
        portBindings.forEach((containerPort, hosts) -> {
            for (PortBinding host : hosts == null || hosts.isEmpty() ? List.of(new PortBinding("", "")) : hosts) {
                result.add(new PortProxy.Binding(containerPort, host.hostIp(), hostPort(host.hostPort(), containerPort)));
            }
        });
        return result;
    }

    private static int hostPort(String text, String containerPort) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        if (!text.matches("\\d{1,5}")) {
            throw EngineException.invalid("invalid port specification: \"" + text + ":" + containerPort
                    + "\": the host port must be a number (ranges are not supported)");
        }
        return Integer.parseInt(text);
    }
}
