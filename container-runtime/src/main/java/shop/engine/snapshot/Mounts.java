package shop.engine.snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the kernel says is mounted, from /proc/self/mountinfo. */
public final class Mounts {

    private Mounts() {
    }

    public static boolean isMountPoint(Path path) {
        return mountPoints().contains(path.toAbsolutePath().normalize().toString());
    }

    /** Mount points under a directory: how tests and cleanup find what was left mounted. */
    public static List<String> under(Path dir) {
        String prefix = dir.toAbsolutePath().normalize() + "/";
        return mountPoints().stream().filter(m -> m.startsWith(prefix)).toList();
    }

    private static List<String> mountPoints() {
        try {
            List<String> points = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                points.add(unescape(line.split(" ")[4]));
            }
            return points;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** mountinfo escapes space, tab, newline and backslash as \ooo. */
    private static String unescape(String field) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
