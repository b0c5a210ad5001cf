package shop.engine.network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import shop.engine.support.EngineException;
import shop.engine.support.HostCommands;
import shop.engine.support.Ids;
import shop.engine.support.Json;

/**
 * {@link NetworkService} on Linux bridges, veth pairs and named network namespaces, made with
 * iproute2's {@code ip} (no namespace code runs in the JVM). Records live in
 * {@code networks/<id>.json}; the kernel objects are derived from them and remade when missing,
 * e.g. after a reboot.
 *
 * <p>A bridge exists while a container is on its network, so nothing is left on the host once
 * the containers are gone. Names resolve through each container's /etc/hosts, which lists every member of every
 * network it is on, rewritten in place (it is bind-mounted, so the inode must stay).
 */
public final class BridgeNetworks implements NetworkService {

    private static final Path NAMESPACES = Path.of("/run/netns");
    private static final Path INTERFACES = Path.of("/sys/class/net");
    private static final String NAME_PATTERN = "[a-zA-Z0-9][a-zA-Z0-9_.-]*";

    private final Path root;

    public BridgeNetworks(Path root) {
        this.root = root;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw EngineException.failed("create " + root + ": " + e.getMessage(), e);
        }
        synchronized (this) {
            if (findOrNull(DEFAULT) == null) {
                save(newNetwork(DEFAULT, null, Map.of()));
            }
        }
    }

    @Override
    public synchronized Network create(CreateRequest request) {
        String name = request.name();
        if (name == null || !name.matches(NAME_PATTERN)) {
            throw EngineException.invalid("network name \"" + name + "\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
        }
        if (name.equals("host") || name.equals("none") || findOrNull(name) != null) {
            throw EngineException.conflict("network with name " + name + " already exists");
        }
        String driver = request.driver() == null || request.driver().isEmpty() ? "bridge" : request.driver();
        if (!driver.equals("bridge")) {
            throw EngineException.invalid("Driver: \"" + driver + "\" is not supported; this engine runs bridge networks");
        }
        Network network = newNetwork(name, request.subnet(), request.labels());
        save(network);
        return network;
    }

    /** Bridges are named after the network's id, so engines with separate state directories never share one. */
    private Network newNetwork(String name, String subnet, Map<String, String> labels) {
        String id = Ids.random();
        List<String> ours = list().stream().map(Network::subnet).toList();
        String chosen = subnet == null || subnet.isEmpty() ? SubnetPool.free(ours) : SubnetPool.claim(subnet, ours);
        return new Network(id, name, "bridge", chosen, Subnets.address(chosen, 1),
                "shop-" + id.substring(0, 9), labels, Instant.now().toString(), Map.of());
    }

    @Override
    public synchronized List<Network> list() {
        List<Network> networks = new ArrayList<>();
        try (Stream<Path> files = Files.list(root)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (file.getFileName().toString().endsWith(".json")) {
                    networks.add(Json.MAPPER.readValue(file.toFile(), Network.class));
                }
            }
        } catch (IOException e) {
            throw EngineException.failed("read networks under " + root + ": " + e.getMessage(), e);
        }
        networks.sort((a, b) -> a.created().compareTo(b.created()));
        return networks;
    }

    @Override
    public synchronized Network inspect(String idOrName) {
        Network network = findOrNull(idOrName);
        if (network == null) {
            throw EngineException.notFound("network " + idOrName + " not found");
        }
        return network;
    }

    private Network findOrNull(String idOrName) {
        List<Network> byPrefix = new ArrayList<>();
        for (Network n : list()) {
            if (n.name().equals(idOrName) || n.id().equals(idOrName)) {
                return n;
            }
            if (n.id().startsWith(idOrName)) {
                byPrefix.add(n);
            }
        }
        if (byPrefix.size() > 1) {
            throw EngineException.invalid("network " + idOrName + " is ambiguous (" + byPrefix.size() + " matches found based on ID prefix)");
        }
        return byPrefix.isEmpty() ? null : byPrefix.get(0);
    }

    @Override
    public synchronized void remove(String idOrName) {
        Network network = inspect(idOrName);
        if (network.name().equals(DEFAULT)) {
            throw EngineException.conflict(DEFAULT + " is a pre-defined network and cannot be removed");
        }
        if (!network.endpoints().isEmpty()) {
            throw EngineException.conflict("error while removing network: network " + network.name() + " id "
                    + network.id() + " has active endpoints");
        }
        deleteBridge(network);
        try {
            Files.deleteIfExists(file(network.id()));
        } catch (IOException e) {
            throw EngineException.failed("remove network " + network.name() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Endpoint connect(String networkName, String containerId, String containerName,
                                         List<String> aliases, HostsFile hosts) {
        Network network = inspect(networkName);
        if (network.endpoints().containsKey(containerId)) {
            throw EngineException.conflict("endpoint with name " + containerName + " already exists in network " + network.name());
        }
        for (String alias : aliases) {
            if (!alias.matches(NAME_PATTERN)) {
                throw EngineException.invalid("network alias \"" + alias + "\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
            }
        }
        Set<Integer> interfaces = new LinkedHashSet<>();
        endpoints(containerId).values().forEach(e -> interfaces.add(Integer.parseInt(e.containerInterface().substring(3))));
        int index = 0;
        while (interfaces.contains(index)) {
            index++;
        }
        Endpoint endpoint = new Endpoint(containerId, containerName, aliases, freeAddress(network),
                "vs" + containerId.substring(0, 10) + index, "eth" + index, hosts.file().toString(), hosts.ownNames(),
                hosts.entries());
        Map<String, Endpoint> members = new LinkedHashMap<>(network.endpoints());
        members.put(containerId, endpoint);
        Network updated = network.withEndpoints(members);
        save(updated);
        if (Files.exists(namespacePath(containerId))) {
            // Connecting a running container: plug it in now (the networks it is in already stay as they are).
            try {
                attach(containerId);
            } catch (EngineException e) {
                save(network);
                throw e;
            }
        }
        rewriteHosts(updated);
        return endpoint;
    }

    private static String freeAddress(Network network) {
        Set<String> used = new java.util.HashSet<>();
        network.endpoints().values().forEach(e -> used.add(e.ipAddress()));
        for (int n = 2; n <= Subnets.hosts(network.subnet()) + 1; n++) {
            String candidate = Subnets.address(network.subnet(), n);
            if (!used.contains(candidate)) {
                return candidate;
            }
        }
        throw EngineException.conflict("no available IPv4 addresses on network " + network.name());
    }

    @Override
    public synchronized void rename(String containerId, String newName) {
        for (Network network : list()) {
            Endpoint e = network.endpoints().get(containerId);
            if (e != null) {
                Map<String, Endpoint> members = new LinkedHashMap<>(network.endpoints());
                members.put(containerId, e.renamed(newName));
                Network updated = network.withEndpoints(members);
                save(updated);
                rewriteHosts(updated);
            }
        }
    }

    @Override
    public synchronized void disconnect(String networkName, String containerId) {
        Network network = inspect(networkName);
        Endpoint endpoint = network.endpoints().get(containerId);
        if (endpoint == null) {
            throw EngineException.notFound("container " + containerId + " is not connected to network " + network.name());
        }
        leave(network, endpoint);
    }

    private void leave(Network network, Endpoint endpoint) {
        StringBuilder ip = new StringBuilder();
        if (Files.exists(INTERFACES.resolve(endpoint.hostInterface()))) {
            // Deleting one end of a veth pair deletes both.
            ip.append("link del ").append(endpoint.hostInterface()).append('\n');
        }
        forget(network, endpoint, ip);
        runIp(ip, "unplug " + endpoint.containerName() + " from " + network.name());
    }

    /**
     * Takes the endpoint out of the network's record and the members' /etc/hosts; the bridge goes
     * with its last member (ip's command for it added to {@code ip}): the next connect makes it again.
     */
    private void forget(Network network, Endpoint endpoint, StringBuilder ip) {
        Map<String, Endpoint> members = new LinkedHashMap<>(network.endpoints());
        members.remove(endpoint.containerId());
        Network updated = network.withEndpoints(members);
        save(updated);
        if (updated.endpoints().isEmpty() && Files.exists(INTERFACES.resolve(updated.bridge()))) {
            ip.append("link del ").append(updated.bridge()).append('\n');
        }
        rewriteHosts(updated);
        rewriteHostsOf(endpoint);
    }

    private static void runIp(StringBuilder commands, String what) {
        if (!commands.isEmpty()) {
            HostCommands.runWithInput(List.of("ip", "-batch", "-"), commands.toString(), what);
        }
    }

    private static void deleteBridge(Network network) {
        if (Files.exists(INTERFACES.resolve(network.bridge()))) {
            HostCommands.run(List.of("ip", "link", "del", network.bridge()), null, "delete bridge " + network.bridge());
        }
    }

    @Override
    public Path namespace(String containerId) {
        return namespacePath(containerId);
    }

    private String namespaceName(String containerId) {
        return namespacePrefix(root.getParent()) + containerId.substring(0, 12);
    }

    /**
     * Namespaces are named after the engine's state directory too, so engines with separate
     * state on one host (a developer's stack and the tests) can tell theirs apart.
     */
    public static String namespacePrefix(Path state) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(state.toAbsolutePath().normalize().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "shop-" + HexFormat.of().formatHex(digest).substring(0, 6) + "-";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private Path namespacePath(String containerId) {
        return NAMESPACES.resolve(namespaceName(containerId));
    }

    /**
     * The container's namespace (made on first use) plugged into each of its networks, in two runs
     * of ip, one per namespace, whatever the number of networks: each process spawned was a few
     * milliseconds of every container's start.
     */
    @Override
    public synchronized void attach(String containerId) {
        String namespace = namespaceName(containerId);
        StringBuilder host = new StringBuilder();
        StringBuilder inside = new StringBuilder();
        if (!Files.exists(namespacePath(containerId))) {
            host.append("netns add ").append(namespace).append('\n');
            inside.append("link set lo up\n");
        }
        for (Network network : list()) {
            Endpoint endpoint = network.endpoints().get(containerId);
            if (endpoint != null) {
                wire(network, endpoint, namespace, host, inside);
            }
        }
        String what = "attach container " + containerId.substring(0, 12) + " to its networks";
        runIp(host, what);
        if (!inside.isEmpty()) {
            HostCommands.runWithInput(List.of("ip", "-netns", namespace, "-batch", "-"), inside.toString(), what);
        }
    }

    /**
     * The bridge (made on first use), then a veth pair from it into the namespace, addressed and up:
     * ip's commands for the host's namespace and for the container's.
     */
    /** An interface's MAC as the kernel shows it, or "" when it cannot be read. */
    private static String readAddress(String device) {
        try {
            return Files.readString(INTERFACES.resolve(device).resolve("address")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static void wire(Network network, Endpoint endpoint, String namespace, StringBuilder host, StringBuilder inside) {
        // A fixed MAC: a bridge without one takes the lowest of its ports' and changes it as
        // containers come and go, and every container's cached MAC for the host went stale; their
        // replies to published ports were lost for seconds (a read timed out during a deploy). A
        // bridge made by an engine from before gets it on its next container.
        String mac = Endpoint.macAddress(network.gateway());
        if (!Files.exists(INTERFACES.resolve(network.bridge()))) {
            host.append("link add ").append(network.bridge()).append(" type bridge\n")
                    .append("link set ").append(network.bridge()).append(" address ").append(mac).append('\n')
                    .append("addr add ").append(network.gateway()).append('/').append(network.prefixLength())
                    .append(" dev ").append(network.bridge()).append('\n')
                    .append("link set ").append(network.bridge()).append(" up\n");
        } else if (!mac.equals(readAddress(network.bridge()))) {
            host.append("link set ").append(network.bridge()).append(" address ").append(mac).append('\n');
        }
        if (Files.exists(INTERFACES.resolve(endpoint.hostInterface()))) {
            return;
        }
        host.append("link add ").append(endpoint.hostInterface()).append(" type veth peer name ")
                .append(endpoint.containerInterface()).append(" netns ").append(namespace).append('\n')
                .append("link set ").append(endpoint.hostInterface()).append(" master ").append(network.bridge()).append(" up\n");
        inside.append("link set ").append(endpoint.containerInterface()).append(" address ").append(endpoint.macAddress()).append('\n')
                .append("addr add ").append(endpoint.ipAddress()).append('/').append(network.prefixLength())
                .append(" dev ").append(endpoint.containerInterface()).append('\n')
                .append("link set ").append(endpoint.containerInterface()).append(" up\n");
    }

    /**
     * The container leaves its networks, and its namespace goes, in one run of ip: its veth pairs
     * go with the namespace (the kernel tears them down after ip returns; deleting each first took
     * tens of milliseconds of every removal).
     */
    @Override
    public synchronized void release(String containerId) {
        StringBuilder ip = new StringBuilder();
        for (Network network : list()) {
            Endpoint endpoint = network.endpoints().get(containerId);
            if (endpoint != null) {
                forget(network, endpoint, ip);
            }
        }
        if (Files.exists(namespacePath(containerId))) {
            ip.append("netns del ").append(namespaceName(containerId)).append('\n');
        }
        runIp(ip, "release the networks of container " + containerId.substring(0, 12));
    }

    @Override
    public synchronized Map<String, Endpoint> endpoints(String containerId) {
        Map<String, Endpoint> result = new LinkedHashMap<>();
        for (Network network : list()) {
            Endpoint endpoint = network.endpoints().get(containerId);
            if (endpoint != null) {
                result.put(network.name(), endpoint);
            }
        }
        return result;
    }

    // --- /etc/hosts ---

    private void rewriteHosts(Network network) {
        network.endpoints().values().forEach(this::rewriteHostsOf);
    }

    /**
     * localhost, then every member of every network the container is on, itself first (its line then
     * stays put as others come and go), then its own entries.
     */
    private void rewriteHostsOf(Endpoint member) {
        Set<String> own = new LinkedHashSet<>();
        Set<String> others = new LinkedHashSet<>();
        for (Network network : list()) {
            if (network.endpoints().containsKey(member.containerId())) {
                for (Endpoint e : network.endpoints().values()) {
                    boolean itself = e.containerId().equals(member.containerId());
                    Set<String> names = new LinkedHashSet<>(itself ? member.hostNames() : List.of());
                    names.addAll(e.names());
                    (itself ? own : others).add(e.ipAddress() + "\t" + String.join(" ", names));
                }
            }
        }
        List<String> lines = new ArrayList<>(own);
        lines.addAll(others);
        HostsFile hosts = member.hosts();
        if (lines.isEmpty() && hosts.ownNames().isEmpty()) {
            // An endpoint recorded before host names were kept: its host name is its short id.
            hosts = new HostsFile(hosts.file(), List.of(member.containerId().substring(0, 12)), hosts.entries());
        }
        Path file = hosts.file();
        try {
            if (Files.exists(file)) {
                hosts.rewrite(lines);
            }
        } catch (IOException e) {
            throw EngineException.failed("write " + file + ": " + e.getMessage(), e);
        }
    }

    // --- records ---

    private Path file(String id) {
        return root.resolve(id + ".json");
    }

    private void save(Network network) {
        try {
            Path temp = root.resolve(network.id() + ".json.tmp");
            Files.write(temp, Json.bytes(network));
            Files.move(temp, file(network.id()), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw EngineException.failed("save network " + network.name() + ": " + e.getMessage(), e);
        }
    }
}
