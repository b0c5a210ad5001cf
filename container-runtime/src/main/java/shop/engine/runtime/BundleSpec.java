package shop.engine.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a container needs from the kernel, in the engine's terms; {@link OciConfig} turns it into
 * an OCI config.json.
 *
 * @param hostname   ignored when the container shares the host's UTS namespace
 * @param mounts     besides the default ones (/proc, /dev, /dev/shm, /sys...); one at the same
 *                   destination replaces the default
 * @param privileged /sys writable and nothing masked or read-only under /proc and /sys (the
 *                   capabilities are the process's); host devices are not added
 * @param sysctls    written under /proc/sys inside the container's namespaces
 * @param seccomp    the default syscall filter ({@link SeccompProfile}) applies: not privileged,
 *                   not seccomp=unconfined
 * @param terminal   null for none: the process's stdio is what {@link OciRuntime#start} is given;
 *                   else it runs on a new terminal of this first size, with TERM=xterm unless
 *                   the process's env sets TERM (as Docker's {@code -t}); start it with a terminal then
 */
public record BundleSpec(Path rootfs, boolean readOnlyRoot, Process process, String hostname, List<Mount> mounts,
                         Namespaces namespaces, Resources resources, Map<String, String> sysctls, boolean privileged,
                         boolean unmaskedPaths, boolean seccomp, TerminalSize terminal) {

    /** The init process: what it runs, as whom, with which capabilities and limits. */
    public record Process(List<String> args, List<String> env, String cwd, int uid, int gid, List<Integer> additionalGids,
                          List<String> capabilities, boolean noNewPrivileges, List<Rlimit> rlimits, Integer oomScoreAdj) {

        /** Docker's defaults for everything but what to run and as whom. */
        public static Process of(List<String> args, List<String> env, String cwd, int uid, int gid, List<Integer> groups) {
            return new Process(args, env, cwd, uid, gid, groups, Capabilities.DEFAULT, false, Rlimits.of(List.of()), null);
        }
    }

    /** An OCI rlimit: {@code RLIMIT_NOFILE}, with -1 for unlimited. */
    public record Rlimit(String type, long soft, long hard) {
    }

    /**
     * @param network "host" shares the host's network namespace, a path joins that namespace (one
     *                the engine wired), anything else ("none") gets a new one with loopback only
     * @param shmBytes the size of /dev/shm (0: 64 MiB); with hostIpc it is the host's /dev/shm,
     *                 with noShm there is none
     */
    public record Namespaces(String network, boolean hostPid, boolean hostIpc, boolean hostUts, boolean hostCgroup,
                             long shmBytes, boolean noShm) {

        public static Namespaces of(String network) {
            return new Namespaces(network, false, false, false, false, 0, false);
        }
    }

    /**
     * cgroup limits; 0 (or empty) is none. memorySwap is memory plus swap, -1 for unlimited
     * swap, 0 for no swap on top of memory; nanoCpus and cpuQuota/cpuPeriod exclude each other.
     */
    public record Resources(long memory, long memoryReservation, long memorySwap, long nanoCpus, long cpuShares,
                            long cpuQuota, long cpuPeriod, String cpusetCpus, String cpusetMems, long pidsLimit) {

        public static final Resources NONE = new Resources(0, 0, 0, 0, 0, 0, 0, "", "", 0);
    }

    /** A bind mount or a special filesystem, as the OCI spec describes one. */
    public record Mount(String destination, String type, String source, List<String> options) {

        public static Mount bind(Path source, String destination, boolean readOnly) {
            return new Mount(destination, "bind", source.toString(),
                    readOnly ? List.of("rbind", "ro") : List.of("rbind", "rw"));
        }
    }
}
