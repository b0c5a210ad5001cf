package shop.engine.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a container's cgroup is ({@link #path}, which its bundle names), and readings of it and the host's
 * counters: which processes it holds and what they use. On a v1 or hybrid host each controller
 * has its own tree under /sys/fs/cgroup/&lt;controller&gt;; on v2 one tree holds every file.
 * A file the kernel does not offer (a controller not mounted here) reads as zero.
 */
public final class Cgroups {

    private static final Path ROOT = Path.of("/sys/fs/cgroup");
    /** Jiffies in /proc/stat are 1/USER_HZ s; USER_HZ is 100 on every Linux the JDK supports. */
    private static final long NANOS_PER_JIFFY = 10_000_000;
    /** v1 reports "no limit" as the largest page-aligned long. */
    private static final long V1_UNLIMITED = Long.MAX_VALUE / 4096 * 4096 / 2;

    private Cgroups() {
    }

    /** {@code <id>} nested under the engine's own cgroup. */
    static String path(String id) {
        String parent = HostLimits.parentCgroup();
        return (parent.endsWith("/") ? parent : parent + "/") + "shop-engine/" + id;
    }

    private static boolean v2() {
        return Files.exists(ROOT.resolve("cgroup.controllers"));
    }

    private static Path dir(String controller, String id) {
        String path = path(id).substring(1);
        return v2() ? ROOT.resolve(path) : ROOT.resolve(controller).resolve(path);
    }

    /** The pids of every process in the container, its init and what it started, execs included. */
    public static List<Long> processes(String id) {
        List<Long> pids = new ArrayList<>();
        for (String line : lines(dir("pids", id).resolve("cgroup.procs"))) {
            if (!line.isBlank()) {
                pids.add(Long.parseLong(line.strip()));
            }
        }
        return pids;
    }

    /** A reading of the container's use now; {@code initPid} tells its network namespace. */
    public static ResourceUsage usage(String id, long initPid) {
        boolean v2 = v2();
        long cpu = v2 ? keyed(dir("cpu", id).resolve("cpu.stat")).getOrDefault("usage_usec", 0L) * 1000
                : number(dir("cpuacct", id).resolve("cpuacct.usage"));
        Path memory = dir("memory", id);
        long usage = number(memory.resolve(v2 ? "memory.current" : "memory.usage_in_bytes"));
        long limit = number(memory.resolve(v2 ? "memory.max" : "memory.limit_in_bytes"));
        long hostMemory = hostMemory();
        if (limit <= 0 || limit >= V1_UNLIMITED || limit > hostMemory) {
            limit = hostMemory;
        }
        Path pids = dir("pids", id);
        long[] io = blockIo(id, v2);
        return new ResourceUsage(Instant.now(), cpu, systemCpu(), onlineCpus(), usage, limit,
                keyed(memory.resolve("memory.stat")), number(pids.resolve("pids.current")), number(pids.resolve("pids.max")),
                interfaces(initPid), io[0], io[1]);
    }

    /** Bytes read and written by the container's block I/O. */
    private static long[] blockIo(String id, boolean v2) {
        long read = 0;
        long written = 0;
        if (v2) {
            for (String line : lines(dir("io", id).resolve("io.stat"))) {
                for (String field : line.split("\\s+")) {
                    read += field.startsWith("rbytes=") ? Long.parseLong(field.substring(7)) : 0;
                    written += field.startsWith("wbytes=") ? Long.parseLong(field.substring(7)) : 0;
                }
            }
        } else {
            for (String line : lines(dir("blkio", id).resolve("blkio.throttle.io_service_bytes"))) {
                String[] f = line.split("\\s+");
                if (f.length == 3) {
                    read += f[1].equals("Read") ? Long.parseLong(f[2]) : 0;
                    written += f[1].equals("Write") ? Long.parseLong(f[2]) : 0;
                }
            }
        }
        return new long[] {read, written};
    }

    /** The interfaces of the init's network namespace, loopback left out as Docker leaves it out. */
    private static Map<String, ResourceUsage.Interface> interfaces(long initPid) {
        Map<String, ResourceUsage.Interface> result = new LinkedHashMap<>();
        for (String line : lines(Path.of("/proc", String.valueOf(initPid), "net", "dev"))) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).strip();
            String[] f = line.substring(colon + 1).strip().split("\\s+");
            if (name.equals("lo") || f.length < 12) {
                continue;
            }
            result.put(name, new ResourceUsage.Interface(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]),
                    Long.parseLong(f[3]), Long.parseLong(f[8]), Long.parseLong(f[9]), Long.parseLong(f[10]), Long.parseLong(f[11])));
        }
        return result;
    }

    private static long systemCpu() {
        for (String line : lines(Path.of("/proc/stat"))) {
            if (line.startsWith("cpu ")) {
                long jiffies = 0;
                for (String f : line.substring(4).strip().split("\\s+")) {
                    jiffies += Long.parseLong(f);
                }
                return jiffies * NANOS_PER_JIFFY;
            }
        }
        return 0;
    }

    /** The host's online CPUs. */
    public static int onlineCpus() {
        return (int) lines(Path.of("/proc/stat")).stream().filter(l -> l.matches("cpu\\d+ .*")).count();
    }

    /** The host's memory in bytes, as /proc/meminfo has it. */
    public static long hostMemory() {
        for (String line : lines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        return 0;
    }

    private static long number(Path file) {
        List<String> lines = lines(file);
        if (lines.isEmpty() || lines.get(0).isBlank() || lines.get(0).strip().equals("max")) {
            return 0;
        }
        return Long.parseLong(lines.get(0).strip());
    }

    private static Map<String, Long> keyed(Path file) {
        Map<String, Long> values = new LinkedHashMap<>();
        for (String line : lines(file)) {
            String[] f = line.split(" ");
            if (f.length == 2 && f[1].matches("\\d+")) {
                values.put(f[0], Long.parseLong(f[1]));
            }
        }
        return values;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }
}
