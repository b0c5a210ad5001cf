package shop.engine.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import shop.engine.image.ContainerConfig;
import shop.engine.network.NetworkService;
import shop.engine.runtime.BundleSpec;

/**
 * A container's /etc/hostname, /etc/hosts and /etc/resolv.conf: files in its directory, bound
 * over the image's. The hosts file starts with the container's own names and entries; on a
 * network, the network service rewrites it as members come and go, keeping those.
 */
final class EtcFiles {

    private static final Path HOST_RESOLV_CONF = Path.of("/etc/resolv.conf");
    private static final Path HOST_HOSTNAME = Path.of("/proc/sys/kernel/hostname");

    private EtcFiles() {
    }

    /**
     * Config.Hostname when the client set one, else the short id, as Docker names it; a container
     * in the host's UTS namespace has the host's name.
     */
    static String hostname(String id, ContainerConfig config, HostConfig host) throws IOException {
        if (host.utsMode().equals("host")) {
            // By lines: Files.readString stops short on /proc/sys files.
            return String.join("", Files.readAllLines(HOST_HOSTNAME)).strip();
        }
        return config.hostname() != null && !config.hostname().isEmpty() ? config.hostname() : id.substring(0, 12);
    }

    /** The host name a container was created with, as its /etc/hostname says. */
    static String hostnameOf(Path dir, Container c) {
        try {
            return Files.readString(dir.resolve("hostname")).strip();
        } catch (IOException e) {
            return c.shortId();
        }
    }

    /** The container's hosts file, as the network service keeps it. */
    static NetworkService.HostsFile hostsOf(Path dir, Container c) {
        return new NetworkService.HostsFile(dir.resolve("hosts"), ownNames(hostnameOf(dir, c), c.config()), c.hostEntries());
    }

    /** The names the container's own line of /etc/hosts starts with: {@code name.domain name}, or the name. */
    static List<String> ownNames(String hostname, ContainerConfig config) {
        String domain = config.domainname();
        return domain == null || domain.isEmpty() ? List.of(hostname) : List.of(hostname + "." + domain, hostname);
    }

    /** Writes the three files into {@code dir}; returns the binds that put them at /etc. */
    static List<BundleSpec.Mount> write(Path dir, String hostname, NetworkService.HostsFile hosts, HostConfig host)
            throws IOException {
        Files.writeString(dir.resolve("hostname"), hostname + "\n");
        Files.writeString(hosts.file(), hosts.render(List.of()));
        String hostResolv = Files.isReadable(HOST_RESOLV_CONF) ? Files.readString(HOST_RESOLV_CONF) : "";
        Files.writeString(dir.resolve("resolv.conf"), resolvConf(hostResolv, host));
        List<BundleSpec.Mount> mounts = new ArrayList<>();
        for (String file : List.of("hostname", "hosts", "resolv.conf")) {
            mounts.add(BundleSpec.Mount.bind(dir.resolve(file), "/etc/" + file, false));
        }
        return mounts;
    }

    /**
     * The host's resolv.conf, with Dns, DnsSearch and DnsOptions each replacing its own kind of
     * line, as Docker does; DnsSearch {@code .} means no search domain.
     */
    static String resolvConf(String hostResolv, HostConfig host) {
        List<String> lines = new ArrayList<>();
        for (String line : hostResolv.lines().toList()) {
            String keyword = line.strip().split("\\s+")[0];
            boolean replaced = (keyword.equals("nameserver") && !host.dns().isEmpty())
                    || ((keyword.equals("search") || keyword.equals("domain")) && !host.dnsSearch().isEmpty())
                    || (keyword.equals("options") && !host.dnsOptions().isEmpty());
            if (!replaced) {
                lines.add(line);
            }
        }
        host.dns().forEach(server -> lines.add("nameserver " + server));
        if (!host.dnsSearch().isEmpty() && !host.dnsSearch().equals(List.of("."))) {
            lines.add("search " + String.join(" ", host.dnsSearch()));
        }
        if (!host.dnsOptions().isEmpty()) {
            lines.add("options " + String.join(" ", host.dnsOptions()));
        }
        return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    }
}
