package shop.engine.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import shop.engine.support.EngineException;

/**
 * Resource limits by Docker's ulimit names ({@code nofile}, {@code nproc}...). A container may
 * not ask for a hard limit above the engine's own: raising one needs CAP_SYS_RESOURCE in the
 * host's user namespace, which the engine may lack, and the runtime would then fail at start.
 */
public final class Rlimits {

    /** Docker's name, and the row of /proc/self/limits that holds the engine's own limit. */
    private static final Map<String, String> ROWS = Map.ofEntries(Map.entry("cpu", "Max cpu time"),
            Map.entry("fsize", "Max file size"), Map.entry("data", "Max data size"), Map.entry("stack", "Max stack size"),
            Map.entry("core", "Max core file size"), Map.entry("rss", "Max resident set"),
            Map.entry("nproc", "Max processes"), Map.entry("nofile", "Max open files"),
            Map.entry("memlock", "Max locked memory"), Map.entry("as", "Max address space"),
            Map.entry("locks", "Max file locks"), Map.entry("sigpending", "Max pending signals"),
            Map.entry("msgqueue", "Max msgqueue size"), Map.entry("nice", "Max nice priority"),
            Map.entry("rtprio", "Max realtime priority"), Map.entry("rttime", "Max realtime timeout"));
    /** Docker's "unlimited". */
    private static final long UNLIMITED = -1;
    /** Open files when the caller sets none: Docker's default, within the engine's own limit. */
    private static final long DEFAULT_OPEN_FILES = 1_048_576;

    private Rlimits() {
    }

    /** A limit as the caller gives it; -1 is unlimited. */
    public record Limit(String name, long soft, long hard) {
    }

    /** Checks each limit against the engine's own and returns them as the OCI config lists them, open files always included. */
    public static List<BundleSpec.Rlimit> of(List<Limit> limits) {
        List<BundleSpec.Rlimit> result = new ArrayList<>();
        boolean openFiles = false;
        for (Limit limit : limits) {
            String name = limit.name() == null ? "" : limit.name().toLowerCase(Locale.ROOT);
            String row = ROWS.get(name);
            if (row == null) {
                throw EngineException.invalid("HostConfig.Ulimits: unknown limit \"" + limit.name() + "\": one of "
                        + String.join(", ", ROWS.keySet().stream().sorted().toList()));
            }
            long soft = kernelValue(limit.soft());
            long hard = kernelValue(limit.hard());
            if (Long.compareUnsigned(soft, hard) > 0) {
                throw EngineException.invalid("HostConfig.Ulimits: " + name + ": the soft limit " + text(soft)
                        + " is above the hard limit " + text(hard));
            }
            long own = HostLimits.hardLimit(row);
            if (own >= 0 && Long.compareUnsigned(hard, own == Long.MAX_VALUE ? -1 : own) > 0) {
                throw EngineException.invalid("HostConfig.Ulimits: " + name + ": the hard limit " + text(hard)
                        + " is above the engine's own (" + text(own == Long.MAX_VALUE ? -1 : own) + ")");
            }
            openFiles |= name.equals("nofile");
            result.add(new BundleSpec.Rlimit("RLIMIT_" + name.toUpperCase(Locale.ROOT), soft, hard));
        }
        if (!openFiles) {
            long nofile = Math.min(DEFAULT_OPEN_FILES, HostLimits.openFilesHardLimit());
            result.add(new BundleSpec.Rlimit("RLIMIT_NOFILE", nofile, nofile));
        }
        return result;
    }

    /** The kernel's value: unlimited is all ones (RLIM_INFINITY), which Java holds as -1. */
    private static long kernelValue(long dockerValue) {
        if (dockerValue < UNLIMITED) {
            throw EngineException.invalid("HostConfig.Ulimits: " + dockerValue + " is not a limit (use -1 for unlimited)");
        }
        return dockerValue;
    }

    private static String text(long value) {
        return value == -1 ? "unlimited" : Long.toUnsignedString(value);
    }
}
