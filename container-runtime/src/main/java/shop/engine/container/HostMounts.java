package shop.engine.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import shop.engine.support.EngineException;

/** The host's mount table (/proc/self/mountinfo), for the propagation a bind source's mount allows. */
final class HostMounts {

    /** A mount point, and whether it passes mount events on (shared) or receives them (slave). */
    record Entry(String mountPoint, boolean shared, boolean slave) {
    }

    private HostMounts() {
    }

    /** The mount that holds {@code path}: the longest mount point above it, symlinks resolved. */
    static Entry containing(Path path) {
        Entry best = new Entry("/", false, false);
        try {
            String real = path.toRealPath().toString();
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                // id parent major:minor root mountpoint options [optional fields...] - fstype source superoptions
                String[] fields = line.split(" ");
                String mountPoint = fields[4].replace("\\040", " ");
                boolean above = real.equals(mountPoint) || real.startsWith(mountPoint.endsWith("/") ? mountPoint : mountPoint + "/");
                if (above && mountPoint.length() >= best.mountPoint().length()) {
                    String optional = line.substring(0, line.indexOf(" - "));
                    best = new Entry(mountPoint, optional.contains(" shared:"), optional.contains(" master:"));
                }
            }
        } catch (IOException e) {
            throw EngineException.failed("read the mount of " + path + ": " + e.getMessage(), e);
        }
        return best;
    }
}
