package shop.engine.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about the engine's own process that container configs must respect. */
final class HostLimits {

    private HostLimits() {
    }

    /** The hard RLIMIT_NOFILE of this process, from /proc/self/limits. */
    static long openFilesHardLimit() {
        long hard = hardLimit("Max open files");
        return hard < 0 ? 1024 : hard;
    }

    /**
     * This process's hard limit of a /proc/self/limits row ("Max open files"): Long.MAX_VALUE for
     * unlimited, -1 when the row cannot be read.
     */
    static long hardLimit(String row) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith(row + " ")) {
                    String hard = line.substring(row.length()).trim().split("\\s+")[1];
                    return hard.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(hard);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // Unknown: the caller decides what that means.
        }
        return -1;
    }

    /**
     * The capabilities this process may hand on, by number: its bounding set (CapBnd of
     * /proc/self/status), which on a locked-down host lacks some (CAP_SYS_RESOURCE, say).
     */
    static long boundingCapabilities() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapBnd:")) {
                    return Long.parseUnsignedLong(line.substring("CapBnd:".length()).strip(), 16);
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // Unknown: offer them all, and let the runtime say which it cannot grant.
        }
        return -1;
    }

    /**
     * The cgroup containers nest under: the engine's own memory cgroup on a v1 or hybrid host (the
     * controller that enforces limits). On pure v2 the top of the tree: a v2 cgroup that holds
     * processes, such as the engine's, cannot also hand controllers to children.
     */
    static String parentCgroup() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                String[] parts = line.split(":", 3);
                if (parts[1].equals("memory")) {
                    return parts[2];
                }
            }
        } catch (IOException ignored) {
            // Fall through to the root.
        }
        return "/";
    }

    /** True where crun 1.8 refuses to run: cgroup v1 with a cgroup2 mount at /sys/fs/cgroup/unified. */
    static boolean hybridCgroups() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] fields = line.split(" ");
                if (fields[4].equals("/sys/fs/cgroup/unified")) {
                    return true;
                }
            }
        } catch (IOException ignored) {
            // No mountinfo: nothing to work around.
        }
        return false;
    }
}
