package shop.engine.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Deleting directory trees without following symlinks out of them. */
public final class FileTrees {

    private FileTrees() {
    }

    /** Deletes a file or a whole tree; symlinks are removed, never followed. Missing is fine. */
    public static void delete(Path path) throws IOException {
        if (path == null || !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> walk = Files.walk(path)) {
                for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        } else {
            Files.delete(path);
        }
    }

    /** {@link #delete} for callers that cannot go on without the tree gone. */
    public static void deleteOrFail(Path path, String why) {
        try {
            delete(path);
        } catch (IOException e) {
            throw EngineException.failed("delete " + path + " (" + why + "): " + e.getMessage(), e);
        }
    }
}
