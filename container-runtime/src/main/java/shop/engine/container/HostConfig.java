package shop.engine.container;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import shop.engine.EngineException;
import shop.engine.network.NetworkService;
import shop.engine.network.PortProxy;
import shop.engine.runtime.TerminalSize;

/** How the host runs a container (Docker's HostConfig names): mounts, network, limits, restarts. */
public record HostConfig(
        @JsonProperty("Binds") List<String> binds,
        @JsonProperty("NetworkMode") String networkMode,
        @JsonProperty("RestartPolicy") RestartPolicy restartPolicy,
        @JsonProperty("Memory") long memory,
        @JsonProperty("NanoCpus") long nanoCpus,
        @JsonProperty("PidsLimit") Long pidsLimit,
        @JsonProperty("AutoRemove") boolean autoRemove,
        @JsonProperty("PortBindings") Map<String, List<PortBinding>> portBindings,
        @JsonProperty("PublishAllPorts") boolean publishAllPorts,
        @JsonProperty("ConsoleSize") List<Integer> consoleSize) {

    public static final HostConfig DEFAULT =
            new HostConfig(List.of(), NetworkService.DEFAULT, RestartPolicy.NO, 0, 0, null, false, Map.of(), false);

    /** Without a console size, which only a container on a terminal (Config.Tty) uses. */
    public HostConfig(List<String> binds, String networkMode, RestartPolicy restartPolicy, long memory, long nanoCpus,
                      Long pidsLimit, boolean autoRemove, Map<String, List<PortBinding>> portBindings, boolean publishAllPorts) {
        this(binds, networkMode, restartPolicy, memory, nanoCpus, pidsLimit, autoRemove, portBindings, publishAllPorts, null);
    }

    public HostConfig {
        binds = binds == null ? List.of() : List.copyOf(binds);
        networkMode = networkMode == null || networkMode.isEmpty() || networkMode.equals("default")
                ? NetworkService.DEFAULT : networkMode;
        if (!networkMode.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
            throw EngineException.invalid("network mode \"" + networkMode + "\": host, none, or the name of a network");
        }
        Map<String, List<PortBinding>> ports = new java.util.LinkedHashMap<>();
        if (portBindings != null) {
            portBindings.forEach((port, hosts) -> ports.put(port, hosts == null ? List.of() : List.copyOf(hosts)));
        }
        portBindings = java.util.Collections.unmodifiableMap(ports);
        explicitBindings(portBindings);
        restartPolicy = restartPolicy == null ? RestartPolicy.NO : restartPolicy;
        if (memory < 0 || nanoCpus < 0 || (pidsLimit != null && pidsLimit < 0)) {
            throw EngineException.invalid("Memory, NanoCpus and PidsLimit cannot be negative");
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

    /** The docker CLI's {@code -p [ip:][hostPort:]containerPort[/tcp]}, as PortBindings. */
    public static Map<String, List<PortBinding>> parsePublish(List<String> specs) {
        Map<String, List<PortBinding>> result = new java.util.LinkedHashMap<>();
        for (String spec : specs) {
            String[] parts = spec.split(":", -1);
            if (parts.length > 3) {
                throw EngineException.invalid("invalid publish spec \"" + spec + "\": want [ip:][hostPort:]containerPort");
            }
            String containerPort = parts[parts.length - 1];
            String hostPort = parts.length >= 2 ? parts[parts.length - 2] : "";
            String hostIp = parts.length == 3 ? parts[0] : "";
            PortProxy.Binding checked = new PortProxy.Binding(containerPort, hostIp, hostPort(hostPort, containerPort));
            result.computeIfAbsent(checked.containerPort(), k -> new ArrayList<>()).add(new PortBinding(hostIp, hostPort));
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

    /** Docker's restart policy: "no", "on-failure" (with a maximum retry count), "always", "unless-stopped". */
    public record RestartPolicy(@JsonProperty("Name") String name, @JsonProperty("MaximumRetryCount") int maximumRetryCount) {

        public static final RestartPolicy NO = new RestartPolicy("no", 0);

        public RestartPolicy {
            name = name == null || name.isEmpty() ? "no" : name;
            if (!List.of("no", "on-failure", "always", "unless-stopped").contains(name)) {
                throw EngineException.invalid("restart policy \"" + name + "\": no, on-failure[:max], always or unless-stopped");
            }
        }

        /** Parses the CLI form, e.g. {@code on-failure:3}. */
        public static RestartPolicy parse(String text) {
            int colon = text.indexOf(':');
            if (colon < 0) {
                return new RestartPolicy(text, 0);
            }
            try {
                return new RestartPolicy(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw EngineException.invalid("restart policy \"" + text + "\": the retry count must be a number");
            }
        }

        boolean restarts(int exitCode, int restartCount, boolean stoppedByUser) {
            return switch (name) {
                case "always", "unless-stopped" -> !stoppedByUser;
                case "on-failure" -> !stoppedByUser && exitCode != 0
                        && (maximumRetryCount == 0 || restartCount < maximumRetryCount);
                default -> false;
            };
        }
    }
}
