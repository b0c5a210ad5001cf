package shop.engine.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;
import shop.engine.Engine;
import shop.engine.container.Container;
import shop.engine.image.Image;

/** What things take on disk, for system df and what a prune reclaims. */
final class DiskUsage {

    private DiskUsage() {
    }

    /** Bytes a container wrote into its own layer (its snapshot's upper directory). */
    static long writable(Engine engine, Container c) {
        return bytesUnder(engine.snapshots().upper(c.id()));
    }

    /** An image's layers as stored (compressed where the registry sent them so). */
    static long image(Image image) {
        return image.manifest().layers().stream().mapToLong(l -> l.size()).sum();
    }

    /** The bytes of the regular files under a directory, symlinks not followed; 0 when it is gone. */
    static long bytesUnder(Path dir) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
