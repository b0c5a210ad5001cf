package shop.engine.runtime;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import shop.engine.Json;

/**
 * The OCI runtime config.json for a {@link BundleSpec}: Docker's defaults for mounts,
 * capabilities, masked paths and namespaces, plus an explicit cgroups path (else crun puts the
 * container at the top of each hierarchy) and RLIMIT_NOFILE no higher than the engine's own
 * hard limit (raising it needs CAP_SYS_RESOURCE).
 */
final class OciConfig {

    /** Docker's default capability set. */
    private static final List<String> CAPABILITIES = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID",
            "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
            "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");
    private static final List<String> MASKED = List.of("/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys",
            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
            "/sys/firmware", "/sys/devices/virtual/powercap");
    private static final List<String> READ_ONLY = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
            "/proc/sysrq-trigger");
    private static final long CPU_PERIOD_US = 100_000;

    private OciConfig() {
    }

    static void write(BundleSpec spec, Path bundle) {
        try {
            Files.createDirectories(bundle);
            Files.write(bundle.resolve("config.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(of(spec)));
        } catch (IOException e) {
            throw new UncheckedIOException("write config.json into " + bundle, e);
        }
    }

    static ObjectNode of(BundleSpec spec) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("ociVersion", "1.0.2");
        root.set("process", process(spec.args(), spec.env(), spec.cwd(), spec.uid(), spec.gid(), spec.additionalGids(),
                spec.terminal()));
        root.putObject("root").put("path", spec.rootfs().toString()).put("readonly", false);
        root.put("hostname", spec.hostname());
        ArrayNode mounts = root.putArray("mounts");
        mount(mounts, "/proc", "proc", "proc", "nosuid", "noexec", "nodev");
        mount(mounts, "/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k");
        mount(mounts, "/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5");
        mount(mounts, "/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k");
        mount(mounts, "/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev");
        mount(mounts, "/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro");
        for (BundleSpec.Mount m : spec.mounts()) {
            mount(mounts, m.destination(), m.type(), m.source(), m.options().toArray(String[]::new));
        }
        ObjectNode linux = root.putObject("linux");
        ArrayNode namespaces = linux.putArray("namespaces");
        for (String ns : List.of("pid", "ipc", "uts", "mount")) {
            namespaces.addObject().put("type", ns);
        }
        if (spec.network().startsWith("/")) {
            namespaces.addObject().put("type", "network").put("path", spec.network());
        } else if (!spec.network().equals("host")) {
            namespaces.addObject().put("type", "network");
        }
        linux.put("cgroupsPath", spec.cgroupsPath());
        ObjectNode resources = linux.putObject("resources");
        if (spec.memoryBytes() > 0) {
            // Swap equal to memory means no swap on top, as Docker's --memory alone does.
            resources.putObject("memory").put("limit", spec.memoryBytes()).put("swap", spec.memoryBytes());
        }
        if (spec.nanoCpus() > 0) {
            resources.putObject("cpu").put("period", CPU_PERIOD_US).put("quota", spec.nanoCpus() * CPU_PERIOD_US / 1_000_000_000L);
        }
        if (spec.pidsLimit() > 0) {
            resources.putObject("pids").put("limit", spec.pidsLimit());
        }
        MASKED.forEach(linux.putArray("maskedPaths")::add);
        READ_ONLY.forEach(linux.putArray("readonlyPaths")::add);
        return root;
    }

    /**
     * The process object, shared by run and exec (crun exec --process takes the same shape); on a
     * terminal (null: none) of that first size.
     */
    static ObjectNode process(List<String> args, List<String> env, String cwd, int uid, int gid, List<Integer> groups,
                              TerminalSize terminal) {
        ObjectNode process = Json.MAPPER.createObjectNode();
        process.put("terminal", terminal != null);
        if (terminal != null && terminal.isSet()) {
            process.putObject("consoleSize").put("height", terminal.rows()).put("width", terminal.cols());
        }
        ObjectNode user = process.putObject("user").put("uid", uid).put("gid", gid);
        if (!groups.isEmpty()) {
            groups.forEach(user.putArray("additionalGids")::add);
        }
        args.forEach(process.putArray("args")::add);
        ArrayNode environment = process.putArray("env");
        env.forEach(environment::add);
        if (terminal != null && env.stream().noneMatch(e -> e.startsWith("TERM="))) {
            // Docker's default for a container or exec with a terminal.
            environment.add("TERM=xterm");
        }
        process.put("cwd", cwd);
        ObjectNode caps = process.putObject("capabilities");
        for (String set : List.of("bounding", "effective", "permitted")) {
            CAPABILITIES.forEach(caps.putArray(set)::add);
        }
        // Never ask for more open files than the engine itself may have: raising needs CAP_SYS_RESOURCE.
        long nofile = Math.min(1_048_576, HostLimits.openFilesHardLimit());
        process.putArray("rlimits").addObject().put("type", "RLIMIT_NOFILE").put("hard", nofile).put("soft", nofile);
        process.put("noNewPrivileges", false);
        return process;
    }

    private static void mount(ArrayNode mounts, String destination, String type, String source, String... options) {
        ObjectNode m = mounts.addObject().put("destination", destination).put("type", type).put("source", source);
        for (String o : options) {
            m.withArray("options").add(o);
        }
    }
}
