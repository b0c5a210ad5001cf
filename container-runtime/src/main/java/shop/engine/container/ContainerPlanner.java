package shop.engine.container;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import shop.engine.image.ContainerConfig;
import shop.engine.network.NetworkService;
import shop.engine.support.EngineException;

/**
 * Decides what a new container's HostConfig asks of the host, and refuses what it cannot give,
 * before any directory, mount, endpoint or volume of it exists: the HostConfig's rules, its
 * networks, its mounts (bind sources, VolumesFrom), its links, and the addresses of its extra
 * hosts ({@code host-gateway} is the gateway of its network's bridge).
 */
final class ContainerPlanner {

    /** What a create has settled: the mounts to make, the /etc/hosts lines, and the environment of its links. */
    record Plan(List<ContainerMounts.Planned> mounts, List<String> hostEntries, List<String> linkEnv) {
    }

    private final NetworkService networks;
    private final Function<String, Container> containers;

    /** @param containers finds a container by name or id, or throws a 404 */
    ContainerPlanner(NetworkService networks, Function<String, Container> containers) {
        this.networks = networks;
        this.containers = containers;
    }

    /** The networks a create joins are named like this; the docker CLI calls the default one "default". */
    static String networkName(String requested) {
        return requested.equals("default") ? NetworkService.DEFAULT : requested;
    }

    Plan plan(String name, ContainerConfig config, HostConfig host, Map<String, List<String>> requestedNetworks) {
        HostConfigRules.check(host, config);
        if (host.joinsNetwork()) {
            networks.inspect(host.networkMode());
            if (requestedNetworks != null) {
                requestedNetworks.keySet().forEach(n -> networks.inspect(networkName(n)));
            }
        }
        List<ContainerMounts.Planned> mounts = ContainerMounts.plan(host, config.volumes(), containers);
        LegacyLinks.Resolved links = LegacyLinks.resolve(name, host, containers, networks::endpoints);
        List<String> hostEntries = new ArrayList<>(extraHosts(host));
        hostEntries.addAll(links.hostEntries());
        return new Plan(mounts, hostEntries, links.env());
    }

    /** ExtraHosts as /etc/hosts lines, {@code host-gateway} replaced by the host's address on the container's network. */
    private List<String> extraHosts(HostConfig host) {
        List<String> lines = new ArrayList<>();
        for (String entry : host.extraHosts()) {
            String[] nameAndAddress = HostConfigRules.extraHost(entry);
            String address = nameAndAddress[1];
            if (address.equals(HostConfigRules.HOST_GATEWAY)) {
                address = switch (host.networkMode()) {
                    // The host's own namespace: its loopback is the host.
                    case "host" -> "127.0.0.1";
                    case "none" -> throw EngineException.invalid("HostConfig.ExtraHosts: \"" + entry
                            + "\": host-gateway needs a network, and network mode none has none");
                    default -> networks.inspect(host.networkMode()).gateway();
                };
            }
            lines.add(address + "\t" + nameAndAddress[0]);
        }
        return lines;
    }
}
