package shop.engine.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import shop.engine.EngineException;
import shop.engine.RootPaths;
import shop.engine.image.ContainerConfig;
import shop.engine.network.NetworkService;
import shop.engine.runtime.BundleSpec;
import shop.engine.runtime.CliRuntime;
import shop.engine.runtime.OciRuntime;
import shop.engine.runtime.Users;

/**
 * Writes a created container's OCI bundle from its merged config and HostConfig: the user it
 * runs as, its environment, its hostname and /etc files, its binds and volumes, its network
 * namespace and its limits. Everything here is decided once, at create, as Docker decides it.
 */
final class ContainerBundles {

    private final OciRuntime runtime;
    private final NetworkService networks;
    private final Volumes volumes;

    ContainerBundles(OciRuntime runtime, NetworkService networks, Volumes volumes) {
        this.runtime = runtime;
        this.networks = networks;
        this.volumes = volumes;
    }

    /** The bundle of container {@code id} in {@code dir}, over its mounted {@code rootfs}. */
    void write(String id, Path dir, Path rootfs, ContainerConfig config, HostConfig host) throws IOException {
        Users.Resolved user = Users.resolve(rootfs, config.user());
        Files.createDirectories(RootPaths.resolve(rootfs, config.workingDir()));
        String hostname = hostname(id, config);
        List<String> env = new ArrayList<>(config.env());
        if (env.stream().noneMatch(e -> e.startsWith("HOME="))) {
            env.add("HOME=" + user.home());
        }
        env.add("HOSTNAME=" + hostname);
        runtime.writeBundle(new BundleSpec(rootfs, config.args(), env, config.workingDir(), user.uid(), user.gid(),
                user.additionalGids(), hostname, mounts(dir, hostname, host, rootfs),
                host.joinsNetwork() ? networks.namespace(id).toString() : host.networkMode(),
                host.memory(), host.nanoCpus(), host.pidsLimit() == null ? 0 : host.pidsLimit(),
                CliRuntime.cgroupsPath(id), config.hasTerminal() ? host.terminalSize() : null), dir.resolve("bundle"));
    }

    /** Config.Hostname when the client set one, else the short id, as Docker names it. */
    static String hostname(String id, ContainerConfig config) {
        return id.substring(0, 12);
    }

    private List<BundleSpec.Mount> mounts(Path dir, String hostname, HostConfig host, Path rootfs) throws IOException {
        List<BundleSpec.Mount> mounts = new ArrayList<>();
        Files.writeString(dir.resolve("hostname"), hostname + "\n");
        Files.writeString(dir.resolve("hosts"), "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                + "127.0.1.1\t" + hostname + "\n");
        Path hostResolv = Path.of("/etc/resolv.conf");
        Files.writeString(dir.resolve("resolv.conf"), Files.isReadable(hostResolv) ? Files.readString(hostResolv) : "");
        for (String file : List.of("hostname", "hosts", "resolv.conf")) {
            mounts.add(BundleSpec.Mount.bind(dir.resolve(file), "/etc/" + file, false));
        }
        for (String bind : host.binds()) {
            mounts.add(bindMount(bind, rootfs));
        }
        return mounts;
    }

    /**
     * {@code /host/path:/container/path[:ro]}, or a named volume {@code name:/path} kept under the
     * state dir; a new volume starts as a copy of what the image has at that path, as Docker's do.
     */
    private BundleSpec.Mount bindMount(String bind, Path rootfs) throws IOException {
        String[] parts = bind.split(":");
        if (parts.length < 2 || parts.length > 3 || !parts[1].startsWith("/")
                || (parts.length == 3 && !parts[2].matches("(ro|rw)(,.*)?"))) {
            throw EngineException.invalid("invalid volume specification: '" + bind + "' (want source:/path[:ro])");
        }
        Path source;
        if (parts[0].startsWith("/")) {
            source = Path.of(parts[0]);
            if (!Files.exists(source)) {
                Files.createDirectories(source);
            }
        } else if (parts[0].matches(Volumes.NAME_PATTERN)) {
            source = volumes.mountpoint(parts[0], RootPaths.resolve(rootfs, parts[1]));
        } else {
            throw EngineException.invalid("invalid volume specification: '" + bind + "': bad volume name " + parts[0]);
        }
        return BundleSpec.Mount.bind(source, parts[1], parts.length == 3 && parts[2].startsWith("ro"));
    }
}
