package shop.engine.network;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.List;

/**
 * A container's place on a network: its address, the names other members reach it by, and the
 * veth pair that carries it ({@code hostInterface} on the bridge, {@code containerInterface}
 * inside the container's namespace).
 *
 * @param hostsFile   the container's /etc/hosts on the host side, rewritten whenever the network's
 *                    members change
 * @param hostNames   the container's own names in that file (its host name), before its names here
 * @param hostEntries the lines that file keeps whatever the members (ExtraHosts, Links)
 */
public record Endpoint(
        @JsonProperty("ContainerId") String containerId,
        @JsonProperty("ContainerName") String containerName,
        @JsonProperty("Aliases") List<String> aliases,
        @JsonProperty("IPAddress") String ipAddress,
        @JsonProperty("HostInterface") String hostInterface,
        @JsonProperty("ContainerInterface") String containerInterface,
        @JsonProperty("HostsFile") String hostsFile,
        @JsonProperty("HostNames") List<String> hostNames,
        @JsonProperty("HostEntries") List<String> hostEntries) {

    public Endpoint {
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
        hostNames = hostNames == null ? List.of() : List.copyOf(hostNames);
        hostEntries = hostEntries == null ? List.of() : List.copyOf(hostEntries);
    }

    /** The container's hosts file, as this endpoint knows it. */
    NetworkService.HostsFile hosts() {
        return new NetworkService.HostsFile(Path.of(hostsFile), hostNames, hostEntries);
    }

    Endpoint renamed(String newName) {
        return new Endpoint(containerId, newName, aliases, ipAddress, hostInterface, containerInterface, hostsFile,
                hostNames, hostEntries);
    }

    /**
     * The MAC an address always gets, 02:42 and its four bytes (Docker's old scheme): a container that
     * takes the address of one just removed is reached at once. With a random MAC the host's
     * neighbour cache kept the old one for seconds, and a published port's first connections went
     * nowhere (seen as an EOF on connect right after a wait said the server was up).
     */
    public String macAddress() {
        return macAddress(ipAddress);
    }

    /** 02:42 and the four bytes of an IPv4 address: the MAC of whatever holds that address on a bridge. */
    static String macAddress(String ipAddress) {
        StringBuilder mac = new StringBuilder("02:42");
        for (String octet : ipAddress.split("\\.")) {
            mac.append(String.format(":%02x", Integer.parseInt(octet)));
        }
        return mac.toString();
    }

    /** Every name this endpoint answers to on its network: name, aliases and short id. */
    List<String> names() {
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
        names.add(containerName);
        names.addAll(aliases);
        names.add(containerId.substring(0, 12));
        return List.copyOf(names);
    }
}
