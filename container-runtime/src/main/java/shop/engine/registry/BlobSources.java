package shop.engine.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import shop.engine.content.Digest;

/**
 * Which repositories a blob is known to live in ({@code <dir>/<hex>}, one {@code domain/path} a
 * line), recorded by pulls and pushes, so that a push to another repository of the same registry
 * can ask for a cross-repository mount instead of uploading the bytes again.
 */
final class BlobSources {

    private final Path dir;

    BlobSources(Path dir) {
        this.dir = dir;
    }

    void record(String digest, String domain, String path) {
        String line = domain + "/" + path;
        if (repositories(digest).contains(line)) {
            return;
        }
        try {
            Files.createDirectories(dir);
            Files.writeString(file(digest), line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // Only an optimisation is lost: the next push uploads instead of mounting.
        }
    }

    /** Another repository of {@code domain} that holds the blob, other than {@code path}. */
    Optional<String> elsewhere(String digest, String domain, String path) {
        String prefix = domain + "/";
        return repositories(digest).stream()
                .filter(r -> r.startsWith(prefix) && !r.equals(prefix + path))
                .map(r -> r.substring(prefix.length()))
                .findFirst();
    }

    private List<String> repositories(String digest) {
        Path file = file(digest);
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    private Path file(String digest) {
        return dir.resolve(Digest.hex(digest));
    }
}
