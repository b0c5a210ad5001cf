package shop.engine.runtime;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import shop.engine.support.EngineException;

/**
 * The capabilities a container's processes get, from Docker's CapAdd, CapDrop and Privileged.
 * Names are taken with or without {@code CAP_}, in any case; {@code ALL} stands for every
 * capability the engine holds itself: the runtime cannot give a container one that is not in
 * the engine's bounding set (it fails with "capset: Operation not permitted"), and a kernel older
 * than a capability has none of it.
 */
public final class Capabilities {

    /** Every capability by its number (CAP_CHOWN is 0), as linux/capability.h lists them. */
    private static final List<String> BY_NUMBER = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH",
            "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
            "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
            "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN",
            "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
            "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN",
            "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
            "CAP_CHECKPOINT_RESTORE");

    /** Docker's default set. */
    public static final List<String> DEFAULT = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
            "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
            "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

    private static final String ALL = "ALL";
    /** The engine's bounding set does not change while it runs. */
    private static final List<String> HELD = held();

    private Capabilities() {
    }

    /** Every capability the engine may hand on. */
    public static List<String> all() {
        return HELD;
    }

    private static List<String> held() {
        long held = HostLimits.boundingCapabilities();
        List<String> result = new ArrayList<>();
        for (int n = 0; n < BY_NUMBER.size(); n++) {
            if ((held & (1L << n)) != 0) {
                result.add(BY_NUMBER.get(n));
            }
        }
        return List.copyOf(result);
    }

    /**
     * Docker's rule: privileged gets all; CapAdd ALL is all but CapDrop; CapDrop ALL is only
     * CapAdd; otherwise the defaults without CapDrop, plus CapAdd. Unknown names are a 400.
     */
    public static List<String> of(boolean privileged, List<String> add, List<String> drop) {
        List<String> added = normalise(add, "HostConfig.CapAdd");
        List<String> dropped = normalise(drop, "HostConfig.CapDrop");
        if (privileged) {
            return all();
        }
        Set<String> result = new LinkedHashSet<>();
        if (added.contains(ALL)) {
            all().stream().filter(c -> !dropped.contains(c)).forEach(result::add);
        } else if (dropped.contains(ALL)) {
            result.addAll(added);
        } else {
            DEFAULT.stream().filter(c -> !dropped.contains(c)).forEach(result::add);
            result.addAll(added);
        }
        return List.copyOf(result);
    }

    private static List<String> normalise(List<String> names, String field) {
        List<String> result = new ArrayList<>();
        for (String name : names == null ? List.<String>of() : names) {
            String upper = name.strip().toUpperCase(Locale.ROOT);
            String full = upper.equals(ALL) || upper.startsWith("CAP_") ? upper : "CAP_" + upper;
            if (!full.equals(ALL) && !BY_NUMBER.contains(full)) {
                throw EngineException.invalid(field + ": unknown capability \"" + name + "\"");
            }
            if (!full.equals(ALL) && !all().contains(full)) {
                throw EngineException.invalid(field + ": " + full + " cannot be granted: the engine does not hold it itself");
            }
            result.add(full);
        }
        return result;
    }
}
