package shop.engine.runtime;

import java.nio.file.Path;
import java.util.List;

/**
 * What a container needs from the kernel, in the engine's terms; {@link OciConfig} turns it into
 * an OCI config.json.
 *
 * @param network "host" shares the host's network namespace, a path joins that namespace (one
 *                the engine wired), anything else ("none") gets a new one with loopback only
 * @param memoryBytes 0 for no limit; likewise nanoCpus and pidsLimit
 * @param terminal null for none: the process's stdio is what {@link OciRuntime#start} is given;
 *                 else it runs on a new terminal of this first size, with TERM=xterm unless
 *                 {@code env} sets TERM (as Docker's {@code -t}); start it with a terminal then
 */
public record BundleSpec(Path rootfs, List<String> args, List<String> env, String cwd, int uid, int gid,
                         List<Integer> additionalGids, String hostname, List<Mount> mounts, String network,
                         long memoryBytes, long nanoCpus, long pidsLimit, String cgroupsPath, TerminalSize terminal) {

    /** A bind mount or a special filesystem, as the OCI spec describes one. */
    public record Mount(String destination, String type, String source, List<String> options) {

        public static Mount bind(Path source, String destination, boolean readOnly) {
            return new Mount(destination, "bind", source.toString(),
                    readOnly ? List.of("rbind", "ro") : List.of("rbind", "rw"));
        }
    }
}
