package shop.engine.container;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import shop.engine.image.ContainerConfig;
import shop.engine.runtime.Capabilities;
import shop.engine.runtime.HostCpus;
import shop.engine.runtime.Rlimits;
import shop.engine.support.EngineException;

/**
 * What a new container's HostConfig must satisfy on this host, checked at create before anything
 * exists, each refusal a 400 naming the field: capabilities, security options, limits, sysctls,
 * namespace modes, CPU and memory settings, DNS and extra hosts. (Mounts are
 * {@link ContainerMounts}'; links and networks the planner's.)
 */
final class HostConfigRules {

    /** The host's tini, which Debian's tini package installs; bound read-only into containers that ask for Init. */
    static final Path INIT_BINARY = Path.of("/usr/bin/tini-static");
    static final String INIT_IN_CONTAINER = "/sbin/docker-init";
    /** In ExtraHosts, the host's address on the container's network: its bridge's gateway. */
    static final String HOST_GATEWAY = "host-gateway";

    /** Sysctls that only touch the container's IPC namespace; net.* its network namespace. */
    private static final Set<String> IPC_SYSCTLS = Set.of("kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
            "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced");
    private static final long MIN_CPU_SHARES = 2;
    private static final long MAX_CPU_SHARES = 262_144;
    private static final long MIN_CFS_US = 1_000;
    private static final long MAX_CFS_PERIOD_US = 1_000_000;

    /** What SecurityOpt asks for: no-new-privileges, and systempaths=unconfined (nothing masked under /proc). */
    record Security(boolean noNewPrivileges, boolean unmaskedPaths, boolean unconfinedSyscalls) {
    }

    private HostConfigRules() {
    }

    static void check(HostConfig host, ContainerConfig config) {
        Capabilities.of(host.privileged(), host.capAdd(), host.capDrop());
        security(host);
        Rlimits.of(host.ulimits().stream().map(u -> new Rlimits.Limit(u.name(), u.soft(), u.hard())).toList());
        namespaces(host, config);
        sysctls(host);
        resources(host);
        oomScoreAdj(host.oomScoreAdj());
        for (String server : host.dns()) {
            if (!isIpAddress(server)) {
                throw EngineException.invalid("HostConfig.Dns: \"" + server + "\" is not an IP address");
            }
        }
        oneWordEach("HostConfig.DnsSearch", host.dnsSearch());
        oneWordEach("HostConfig.DnsOptions", host.dnsOptions());
        host.extraHosts().forEach(HostConfigRules::extraHost);
    }

    /** Lowering a score below the engine's own takes CAP_SYS_RESOURCE, which the engine may not hold. */
    private static void oomScoreAdj(int score) {
        if (score < -1000 || score > 1000) {
            throw EngineException.invalid("HostConfig.OomScoreAdj: " + score + " is outside -1000..1000");
        }
        int own = ownOomScoreAdj();
        if (score < own && !Capabilities.all().contains("CAP_SYS_RESOURCE")) {
            throw EngineException.invalid("HostConfig.OomScoreAdj: " + score + " is below the engine's own (" + own
                    + "), which takes CAP_SYS_RESOURCE, and the engine does not hold it");
        }
    }

    private static int ownOomScoreAdj() {
        try {
            // By lines: Files.readString stops short on some /proc files.
            return Integer.parseInt(String.join("", Files.readAllLines(Path.of("/proc/self/oom_score_adj"))).strip());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /**
     * SecurityOpt: {@code no-new-privileges[:true|false]}, {@code seccomp=unconfined} (no syscall
     * filter); the rest is what the engine does anyway, or a 400. MaskedPaths and ReadonlyPaths may only be both empty, which is how the docker CLI sends
     * systempaths=unconfined; custom lists are refused.
     */
    static Security security(HostConfig host) {
        boolean noNewPrivileges = false;
        boolean unmasked = false;
        boolean unconfinedSyscalls = false;
        if (host.maskedPaths() != null || host.readonlyPaths() != null) {
            if (!List.of().equals(host.maskedPaths()) || !List.of().equals(host.readonlyPaths())) {
                throw EngineException.invalid("HostConfig.MaskedPaths, HostConfig.ReadonlyPaths: custom lists are not"
                        + " supported by this engine; both empty (systempaths=unconfined) or both left out are");
            }
            unmasked = true;
        }
        for (String option : host.securityOpt()) {
            int at = indexOfSeparator(option);
            String key = at < 0 ? option : option.substring(0, at);
            String value = at < 0 ? "" : option.substring(at + 1);
            switch (key) {
                case "no-new-privileges" -> {
                    if (!List.of("", "true", "false").contains(value)) {
                        throw EngineException.invalid("HostConfig.SecurityOpt: \"" + option + "\": want no-new-privileges[:true|false]");
                    }
                    noNewPrivileges = !value.equals("false");
                }
                case "seccomp" -> {
                    requireValue(option, value, "unconfined");
                    unconfinedSyscalls = true;
                }
                // No AppArmor profile or SELinux label is applied by this engine, so asking for none is
                // asking for what it does.
                case "apparmor" -> requireValue(option, value, "unconfined");
                case "label" -> requireValue(option, value, "disable");
                case "systempaths" -> {
                    requireValue(option, value, "unconfined");
                    unmasked = true;
                }
                default -> throw EngineException.invalid("HostConfig.SecurityOpt: \"" + option + "\" is not supported by this"
                        + " engine: no-new-privileges, seccomp=unconfined, apparmor=unconfined, label=disable and"
                        + " systempaths=unconfined are");
            }
        }
        return new Security(noNewPrivileges, unmasked, unconfinedSyscalls);
    }

    /** Docker takes both {@code key=value} and the older {@code key:value}. */
    private static int indexOfSeparator(String option) {
        int eq = option.indexOf('=');
        int colon = option.indexOf(':');
        return eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon);
    }

    private static void requireValue(String option, String value, String only) {
        if (!value.equals(only)) {
            throw EngineException.invalid("HostConfig.SecurityOpt: \"" + option + "\": custom profiles are not supported by"
                    + " this engine; only \"" + only + "\" is accepted");
        }
    }

    private static void namespaces(HostConfig host, ContainerConfig config) {
        if (!List.of("", "host").contains(host.pidMode())) {
            throw EngineException.invalid("HostConfig.PidMode: \"" + host.pidMode() + "\": only the container's own (\"\") or"
                    + " \"host\"; sharing another container's namespace is not supported by this engine");
        }
        if (!List.of("", "private", "shareable", "none", "host").contains(host.ipcMode())) {
            throw EngineException.invalid("HostConfig.IpcMode: \"" + host.ipcMode() + "\": private, shareable, none or host;"
                    + " sharing another container's namespace is not supported by this engine");
        }
        if (!List.of("", "host").contains(host.utsMode())) {
            throw EngineException.invalid("HostConfig.UTSMode: \"" + host.utsMode() + "\": only \"\" or \"host\"");
        }
        if (!List.of("private", "host").contains(host.cgroupnsMode())) {
            throw EngineException.invalid("HostConfig.CgroupnsMode: \"" + host.cgroupnsMode() + "\": only \"private\" or \"host\"");
        }
        if (host.utsMode().equals("host") && notEmpty(config.hostname())) {
            throw EngineException.invalid("Conflicting options: Config.Hostname and HostConfig.UTSMode host");
        }
        if (host.runsInit()) {
            if (host.pidMode().equals("host")) {
                throw EngineException.invalid("HostConfig.Init: an init needs the container's own pid namespace, not PidMode host");
            }
            if (!Files.isExecutable(INIT_BINARY)) {
                throw EngineException.invalid("HostConfig.Init: " + INIT_BINARY + " is missing on this host"
                        + " (Debian's tini package installs it)");
            }
        }
    }

    private static void sysctls(HostConfig host) {
        for (String name : host.sysctls().keySet()) {
            boolean ipc = IPC_SYSCTLS.contains(name) || name.startsWith("fs.mqueue.");
            boolean net = name.startsWith("net.");
            if (!ipc && !net) {
                throw EngineException.invalid("HostConfig.Sysctls: \"" + name + "\" is not namespaced, so it would change the"
                        + " host: only net.*, kernel.shm*, kernel.msg*, kernel.sem and fs.mqueue.* are allowed");
            }
            if (net && host.networkMode().equals("host")) {
                throw EngineException.invalid("HostConfig.Sysctls: \"" + name + "\" is not allowed in the host's network namespace");
            }
            if (ipc && host.ipcMode().equals("host")) {
                throw EngineException.invalid("HostConfig.Sysctls: \"" + name + "\" is not allowed in the host's IPC namespace");
            }
        }
    }

    private static void resources(HostConfig host) {
        if (host.cpuShares() != 0 && (host.cpuShares() < MIN_CPU_SHARES || host.cpuShares() > MAX_CPU_SHARES)) {
            throw EngineException.invalid("HostConfig.CpuShares: " + host.cpuShares() + " is outside the kernel's "
                    + MIN_CPU_SHARES + ".." + MAX_CPU_SHARES);
        }
        if (host.cpuPeriod() != 0 && (host.cpuPeriod() < MIN_CFS_US || host.cpuPeriod() > MAX_CFS_PERIOD_US)) {
            throw EngineException.invalid("HostConfig.CpuPeriod: " + host.cpuPeriod() + " µs is outside 1000..1000000 (1 ms to 1 s)");
        }
        if (host.cpuQuota() < -1 || (host.cpuQuota() > 0 && host.cpuQuota() < MIN_CFS_US)) {
            throw EngineException.invalid("HostConfig.CpuQuota: " + host.cpuQuota() + " µs is below the kernel's 1000 (1 ms);"
                    + " -1 or 0 is no quota");
        }
        if (host.nanoCpus() > 0 && (host.cpuPeriod() > 0 || host.cpuQuota() > 0)) {
            throw EngineException.invalid("Conflicting options: HostConfig.NanoCpus and HostConfig.CpuPeriod/CpuQuota cannot both be set");
        }
        cpuset("HostConfig.CpusetCpus", host.cpusetCpus(), HostCpus.onlineCpus());
        cpuset("HostConfig.CpusetMems", host.cpusetMems(), HostCpus.onlineMemoryNodes());
        if (host.memorySwap() < -1 || host.memoryReservation() < 0 || host.shmSize() < 0) {
            throw EngineException.invalid("HostConfig.MemorySwap (-1 for unlimited), MemoryReservation and ShmSize cannot be negative");
        }
        if (host.memorySwap() > 0 && host.memory() == 0) {
            throw EngineException.invalid("HostConfig.MemorySwap: set Memory too; MemorySwap is memory plus swap");
        }
        if (host.memorySwap() > 0 && host.memorySwap() < host.memory()) {
            throw EngineException.invalid("HostConfig.MemorySwap: " + host.memorySwap() + " is below Memory (" + host.memory()
                    + "); it is memory plus swap");
        }
        if (host.memory() > 0 && host.memoryReservation() > host.memory()) {
            throw EngineException.invalid("HostConfig.MemoryReservation: " + host.memoryReservation() + " is above Memory ("
                    + host.memory() + ")");
        }
    }

    /** A list such as {@code 0-2,4} whose members the host has online. */
    private static void cpuset(String field, String requested, String available) {
        if (requested.isEmpty()) {
            return;
        }
        Set<Integer> wanted = HostCpus.parseList(requested);
        if (wanted == null) {
            throw EngineException.invalid(field + ": \"" + requested + "\" is not a list such as 0-2,4");
        }
        Set<Integer> online = HostCpus.parseList(available);
        if (online != null && !online.containsAll(wanted)) {
            Set<Integer> missing = new TreeSet<>(wanted);
            missing.removeAll(online);
            throw EngineException.invalid(field + ": requested " + requested + " are not available - available: " + available
                    + " (missing " + missing + ")");
        }
    }

    /** {@code name:address} or {@code name=address}; the address an IP or host-gateway. */
    static String[] extraHost(String entry) {
        int at = entry.indexOf('=') >= 0 ? entry.indexOf('=') : entry.indexOf(':');
        String name = at < 0 ? "" : entry.substring(0, at);
        String address = at < 0 ? "" : entry.substring(at + 1);
        if (name.isEmpty() || name.chars().anyMatch(Character::isWhitespace)
                || (!address.equals(HOST_GATEWAY) && !isIpAddress(address))) {
            throw EngineException.invalid("HostConfig.ExtraHosts: \"" + entry + "\": want name:IP (or name:host-gateway)");
        }
        return new String[] {name, address};
    }

    /** An IPv4 or IPv6 literal; never looks a name up. */
    static boolean isIpAddress(String text) {
        if (text.matches("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}")) {
            return true;
        }
        if (!text.contains(":") || !text.matches("[0-9a-fA-F:.]+")) {
            return false;
        }
        try {
            // A literal with a colon is parsed, not resolved.
            InetAddress.getByName(text);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Each becomes a word of a resolv.conf line. */
    private static void oneWordEach(String field, List<String> words) {
        for (String word : words) {
            if (word.isBlank() || word.chars().anyMatch(Character::isWhitespace)) {
                throw EngineException.invalid(field + ": \"" + word + "\" must be one word");
            }
        }
    }

    private static boolean notEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    /** The sysctls the container's kernel settings get: its own, and its NIS domain name, which Docker sets this way. */
    static Map<String, String> sysctlsOf(HostConfig host, ContainerConfig config) {
        Map<String, String> result = new LinkedHashMap<>(host.sysctls());
        if (notEmpty(config.domainname())) {
            result.put("kernel.domainname", config.domainname());
        }
        return result;
    }
}
