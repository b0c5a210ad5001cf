package shop.engine.network;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * The engine's networks and the containers' places on them.
 *
 * <p>Lifecycle: {@link #create} records a network and picks a free subnet; its bridge is made on
 * first use. {@link #connect} gives a container an address and names on a network and rewrites
 * the members' /etc/hosts; {@link #attach} (at container start) makes the container's network
 * namespace and plugs a veth pair per network into it; it is idempotent, so a restarted
 * container or a rebooted host gets the same addresses back. {@link #disconnect} undoes one
 * network, {@link #release} all of them and the namespace. {@link #remove} deletes a network
 * nobody is attached to, and its bridge.
 *
 * <p>Addresses exist only inside namespaces the engine makes and on its bridges: containers get
 * no default route, and the host does not forward, so nothing they send leaves the machine.
 * "host" and "none" are not networks here but modes a container runs in.
 */
public interface NetworkService {

    /** The network containers join when they name none (Docker's default bridge). */
    String DEFAULT = "bridge";

    record CreateRequest(String name, String driver, String subnet, Map<String, String> labels) {
    }

    /**
     * A container's /etc/hosts (its host side), rewritten as its networks' members change: localhost,
     * the members (its own line led by {@code ownNames}, its host name), then {@code entries}, the
     * lines it was created with (ExtraHosts, Links), which survive every rewrite.
     */
    record HostsFile(Path file, List<String> ownNames, List<String> entries) {

        private static final String LOCALHOST = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";

        public HostsFile {
            ownNames = List.copyOf(ownNames);
            entries = List.copyOf(entries);
        }

        /** The file's text with these member lines ({@code address\tnames}); with none, the host name on 127.0.1.1. */
        public String render(List<String> memberLines) {
            StringBuilder text = new StringBuilder(LOCALHOST);
            if (memberLines.isEmpty() && !ownNames.isEmpty()) {
                text.append("127.0.1.1\t").append(String.join(" ", ownNames)).append('\n');
            }
            memberLines.forEach(line -> text.append(line).append('\n'));
            entries.forEach(line -> text.append(line).append('\n'));
            return text.toString();
        }

        /**
         * Rewrites the file in place, since a running container sees it through a bind mount of its
         * inode, and never empties it on the way (a truncating write would, and a program reading it
         * then finds not even its own host name): the new text overwrites the old from the start,
         * then the file is cut to length. The lines up to the container's own stay as they were.
         */
        public void rewrite(List<String> memberLines) throws IOException {
            ByteBuffer text = ByteBuffer.wrap(render(memberLines).getBytes(StandardCharsets.UTF_8));
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                int length = text.remaining();
                while (text.hasRemaining()) {
                    channel.write(text);
                }
                channel.truncate(length);
            }
        }
    }

    Network create(CreateRequest request);

    List<Network> list();

    Network inspect(String idOrName);

    /** Refuses while containers are attached, and for the default network. */
    void remove(String idOrName);

    /** A container joins a network; its hosts file is kept listing the network's members. */
    Endpoint connect(String network, String containerId, String containerName, List<String> aliases, HostsFile hosts);

    void disconnect(String network, String containerId);

    /** The container is known by a new name on every network it is on; the members' /etc/hosts say so. */
    void rename(String containerId, String newName);

    /** The container's network namespace, as a path the OCI runtime joins. */
    Path namespace(String containerId);

    /** Makes the namespace and wires every endpoint of the container; idempotent. */
    void attach(String containerId);

    /** Leaves every network and deletes the namespace. */
    void release(String containerId);

    /** The container's endpoints, keyed by network name. */
    Map<String, Endpoint> endpoints(String containerId);
}
