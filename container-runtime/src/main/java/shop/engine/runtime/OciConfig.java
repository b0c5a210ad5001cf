package shop.engine.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import shop.engine.support.EngineException;
import shop.engine.support.Json;

/**
 * The OCI runtime config.json for a {@link BundleSpec}: Docker's defaults for mounts, masked
 * paths and namespaces, with what the container's HostConfig changes in them.
 */
final class OciConfig {

    private static final List<String> MASKED = List.of("/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys",
            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
            "/sys/firmware", "/sys/devices/virtual/powercap");
    private static final List<String> READ_ONLY = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
            "/proc/sysrq-trigger");
    private static final long CPU_PERIOD_US = 100_000;
    private static final long DEFAULT_SHM_BYTES = 64L << 20;

    private OciConfig() {
    }

    static void write(BundleSpec spec, String cgroupsPath, Path bundle) {
        try {
            Files.createDirectories(bundle);
            Files.write(bundle.resolve("config.json"),
                    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(of(spec, cgroupsPath)));
        } catch (IOException e) {
            throw new UncheckedIOException("write config.json into " + bundle, e);
        }
    }

    static ObjectNode of(BundleSpec spec, String cgroupsPath) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("ociVersion", "1.0.2");
        root.set("process", process(spec.process(), spec.terminal()));
        root.putObject("root").put("path", spec.rootfs().toString()).put("readonly", spec.readOnlyRoot());
        BundleSpec.Namespaces ns = spec.namespaces();
        if (!ns.hostUts()) {
            root.put("hostname", spec.hostname());
        }
        root.set("mounts", mounts(spec));
        ObjectNode linux = root.putObject("linux");
        ArrayNode namespaces = linux.putArray("namespaces");
        if (!ns.hostPid()) {
            namespaces.addObject().put("type", "pid");
        }
        if (!ns.hostIpc()) {
            namespaces.addObject().put("type", "ipc");
        }
        if (!ns.hostUts()) {
            namespaces.addObject().put("type", "uts");
        }
        namespaces.addObject().put("type", "mount");
        if (!ns.hostCgroup()) {
            namespaces.addObject().put("type", "cgroup");
        }
        if (ns.network().startsWith("/")) {
            namespaces.addObject().put("type", "network").put("path", ns.network());
        } else if (!ns.network().equals("host")) {
            namespaces.addObject().put("type", "network");
        }
        if (!spec.sysctls().isEmpty()) {
            ObjectNode sysctl = linux.putObject("sysctl");
            spec.sysctls().forEach(sysctl::put);
        }
        if (spec.mounts().stream().anyMatch(m -> m.options().contains("slave") || m.options().contains("rslave"))) {
            // A slave bind receives the host's mounts only if the container's root lets them through.
            linux.put("rootfsPropagation", "rslave");
        }
        linux.put("cgroupsPath", cgroupsPath);
        ObjectNode resources = resources(spec.resources());
        resources.set("devices", devices(spec.privileged()));
        linux.set("resources", resources);
        if (spec.seccomp()) {
            linux.set("seccomp", SeccompProfile.forCapabilities(spec.process().capabilities()));
        }
        if (!spec.privileged() && !spec.unmaskedPaths()) {
            MASKED.forEach(linux.putArray("maskedPaths")::add);
            READ_ONLY.forEach(linux.putArray("readonlyPaths")::add);
        }
        return root;
    }

    /** Docker's default mounts, less those a mount of the container's own replaces, then its own. */
    private static ArrayNode mounts(BundleSpec spec) {
        ArrayNode mounts = Json.MAPPER.createArrayNode();
        BundleSpec.Namespaces ns = spec.namespaces();
        long shm = ns.shmBytes() > 0 ? ns.shmBytes() : DEFAULT_SHM_BYTES;
        List<BundleSpec.Mount> defaults = new ArrayList<>(List.of(
                new BundleSpec.Mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")),
                new BundleSpec.Mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
                new BundleSpec.Mount("/dev/pts", "devpts", "devpts",
                        List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"))));
        if (ns.hostIpc()) {
            // The host's IPC namespace goes with its shared memory, as Docker binds it.
            defaults.add(new BundleSpec.Mount("/dev/shm", "bind", "/dev/shm", List.of("rbind", "rw")));
        } else if (!ns.noShm()) {
            defaults.add(new BundleSpec.Mount("/dev/shm", "tmpfs", "shm",
                    List.of("nosuid", "noexec", "nodev", "mode=1777", "size=" + shm)));
        }
        defaults.add(new BundleSpec.Mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")));
        defaults.add(new BundleSpec.Mount("/sys", "sysfs", "sysfs", spec.privileged()
                ? List.of("nosuid", "noexec", "nodev", "rw") : List.of("nosuid", "noexec", "nodev", "ro")));
        for (BundleSpec.Mount m : defaults) {
            if (spec.mounts().stream().noneMatch(own -> own.destination().equals(m.destination()))) {
                add(mounts, m);
            }
        }
        spec.mounts().forEach(m -> add(mounts, m));
        return mounts;
    }

    /**
     * The device cgroup: what the runtime creates in /dev and nothing else, so a device node made
     * with CAP_MKNOD (the host's disk, say) cannot be opened; a privileged container may use any.
     */
    private static ArrayNode devices(boolean privileged) {
        ArrayNode devices = Json.MAPPER.createArrayNode();
        devices.addObject().put("allow", privileged).put("access", "rwm");
        if (!privileged) {
            // mknod of any node is allowed (the capability decides); opening one is not.
            devices.addObject().put("allow", true).put("type", "c").put("access", "m");
            devices.addObject().put("allow", true).put("type", "b").put("access", "m");
            // null, zero, full, random, urandom; tty, console, ptmx; the pseudo-terminals; tun.
            for (int[] node : new int[][] {{1, 3}, {1, 5}, {1, 7}, {1, 8}, {1, 9}, {5, 0}, {5, 1}, {5, 2}, {10, 200}}) {
                devices.addObject().put("allow", true).put("type", "c").put("major", node[0]).put("minor", node[1])
                        .put("access", "rwm");
            }
            devices.addObject().put("allow", true).put("type", "c").put("major", 136).put("access", "rwm");
        }
        return devices;
    }

    private static ObjectNode resources(BundleSpec.Resources r) {
        ObjectNode resources = Json.MAPPER.createObjectNode();
        if (r.memory() > 0 || r.memoryReservation() > 0) {
            ObjectNode memory = resources.putObject("memory");
            if (r.memory() > 0) {
                // No swap on top of the memory unless MemorySwap says otherwise, as Docker's --memory alone does.
                memory.put("limit", r.memory()).put("swap", r.memorySwap() == 0 ? r.memory() : r.memorySwap());
            }
            if (r.memoryReservation() > 0) {
                memory.put("reservation", r.memoryReservation());
            }
        }
        ObjectNode cpu = Json.MAPPER.createObjectNode();
        if (r.nanoCpus() > 0) {
            cpu.put("period", CPU_PERIOD_US).put("quota", r.nanoCpus() * CPU_PERIOD_US / 1_000_000_000L);
        }
        if (r.cpuPeriod() > 0) {
            cpu.put("period", r.cpuPeriod());
        }
        if (r.cpuQuota() > 0) {
            cpu.put("quota", r.cpuQuota());
        }
        if (r.cpuShares() > 0) {
            cpu.put("shares", r.cpuShares());
        }
        if (!r.cpusetCpus().isEmpty()) {
            cpu.put("cpus", r.cpusetCpus());
        }
        if (!r.cpusetMems().isEmpty()) {
            cpu.put("mems", r.cpusetMems());
        }
        if (!cpu.isEmpty()) {
            resources.set("cpu", cpu);
        }
        if (r.pidsLimit() > 0) {
            resources.putObject("pids").put("limit", r.pidsLimit());
        }
        return resources;
    }

    /** The init process; on a terminal (null: none) of that first size. */
    static ObjectNode process(BundleSpec.Process p, TerminalSize terminal) {
        ObjectNode process = Json.MAPPER.createObjectNode();
        user(process, p.uid(), p.gid(), p.additionalGids());
        p.args().forEach(process.putArray("args")::add);
        p.env().forEach(process.putArray("env")::add);
        terminal(process, terminal);
        process.put("cwd", p.cwd());
        capabilities(process, p.capabilities());
        ArrayNode rlimits = process.putArray("rlimits");
        for (BundleSpec.Rlimit limit : p.rlimits()) {
            rlimits.addObject().put("type", limit.type()).put("hard", unsigned(limit.hard())).put("soft", unsigned(limit.soft()));
        }
        process.put("noNewPrivileges", p.noNewPrivileges());
        if (p.oomScoreAdj() != null) {
            process.put("oomScoreAdj", p.oomScoreAdj());
        }
        return process;
    }

    /**
     * An exec'd process, Docker's way: the container's own process (capabilities, limits,
     * no-new-privileges) with the exec's command, environment, directory and user; a privileged
     * exec gets every capability.
     */
    static ObjectNode execProcess(Path bundle, OciRuntime.ExecProcess exec, TerminalSize terminal) {
        JsonNode config;
        try {
            config = Json.MAPPER.readTree(bundle.resolve("config.json").toFile());
        } catch (IOException e) {
            throw EngineException.failed("exec: read " + bundle.resolve("config.json") + ": " + e.getMessage(), e);
        }
        if (!(config.get("process") instanceof ObjectNode process)) {
            throw EngineException.failed("exec: " + bundle.resolve("config.json") + " has no process", null);
        }
        user(process, exec.uid(), exec.gid(), exec.additionalGids());
        ArrayNode args = process.putArray("args");
        exec.args().forEach(args::add);
        ArrayNode env = process.putArray("env");
        exec.env().forEach(env::add);
        terminal(process, terminal);
        process.put("cwd", exec.cwd());
        if (exec.privileged()) {
            capabilities(process, Capabilities.all());
        }
        return process;
    }

    /**
     * On a terminal (null: none), the process gets one of its first size and, as Docker's {@code -t}
     * gives it, TERM=xterm unless its environment sets TERM.
     */
    private static void terminal(ObjectNode process, TerminalSize terminal) {
        process.put("terminal", terminal != null);
        if (terminal == null) {
            process.remove("consoleSize");
            return;
        }
        if (terminal.isSet()) {
            process.putObject("consoleSize").put("height", terminal.rows()).put("width", terminal.cols());
        }
        ArrayNode env = process.withArray("env");
        boolean hasTerm = false;
        for (var e : env) {
            hasTerm |= e.asText().startsWith("TERM=");
        }
        if (!hasTerm) {
            env.add("TERM=xterm");
        }
    }

    private static void user(ObjectNode process, int uid, int gid, List<Integer> groups) {
        ObjectNode user = process.putObject("user").put("uid", uid).put("gid", gid);
        if (!groups.isEmpty()) {
            groups.forEach(user.putArray("additionalGids")::add);
        }
    }

    private static void capabilities(ObjectNode process, List<String> capabilities) {
        ObjectNode caps = process.putObject("capabilities");
        for (String set : List.of("bounding", "effective", "permitted")) {
            capabilities.forEach(caps.putArray(set)::add);
        }
    }

    /** OCI limits are unsigned 64-bit; unlimited (-1 here) is all ones. */
    private static BigInteger unsigned(long value) {
        return new BigInteger(Long.toUnsignedString(value));
    }

    private static void add(ArrayNode mounts, BundleSpec.Mount m) {
        ObjectNode node = mounts.addObject().put("destination", m.destination()).put("type", m.type()).put("source", m.source());
        m.options().forEach(node.putArray("options")::add);
    }
}
