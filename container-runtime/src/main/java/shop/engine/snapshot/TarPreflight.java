package shop.engine.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import shop.engine.content.Compression;
import shop.engine.support.EngineException;

/**
 * Checks a whole tar against the directory it is meant for before a single entry is written, so
 * that a bad archive leaves nothing behind: {@link SafeTarExtractor} refuses the same entries, but
 * only when it reaches them, after the earlier ones are on disk.
 *
 * <p>It follows what the extraction would do with a map of the paths the tar has made so far,
 * over what the directory holds: an entry below a symlink (one on disk, or one the tar made), an
 * absolute name or {@code ..}, a hardlink to anything but a file, and with
 * {@code noOverwriteDirNonDir} (Docker's copy option) a directory replacing a non-directory or the
 * reverse, are refused.
 */
public final class TarPreflight {

    private enum Kind { DIRECTORY, FILE, SYMLINK, OTHER }

    private final Path root;
    private final boolean noOverwriteDirNonDir;
    private final Map<Path, Kind> made = new HashMap<>();

    public TarPreflight(Path root, boolean noOverwriteDirNonDir) {
        this.root = root;
        this.noOverwriteDirNonDir = noOverwriteDirNonDir;
    }

    /** Reads the whole tar (plain or gzip); throws at the first entry the extraction must refuse. */
    public void check(InputStream raw, String what) {
        try (InputStream in = Compression.plain(raw);
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                check(entry, what);
            }
        } catch (IOException e) {
            throw EngineException.invalid("extract " + what + ": not a tar archive: " + e.getMessage());
        }
    }

    private void check(TarArchiveEntry entry, String what) {
        String name = entry.getName();
        Path target = SafeTarExtractor.inside(root, name, what);
        if (target.equals(root)) {
            return;
        }
        requireDirectories(target.getParent(), name, what);
        Kind wanted = entry.isDirectory() ? Kind.DIRECTORY : entry.isSymbolicLink() ? Kind.SYMLINK
                : entry.isFile() || entry.isLink() ? Kind.FILE : Kind.OTHER;
        Kind existing = kindOf(target);
        if (noOverwriteDirNonDir && existing != null) {
            if (existing == Kind.DIRECTORY && wanted != Kind.DIRECTORY) {
                throw refuse(what, name, "cannot overwrite directory with non-directory");
            }
            if (existing != Kind.DIRECTORY && wanted == Kind.DIRECTORY) {
                throw refuse(what, name, "cannot overwrite non-directory with directory");
            }
        }
        if (entry.isLink()) {
            Path source = SafeTarExtractor.inside(root, entry.getLinkName(), what);
            requireDirectories(source.getParent(), entry.getLinkName(), what);
            if (kindOf(source) != Kind.FILE) {
                throw refuse(what, name, "hardlink target " + entry.getLinkName() + " is not a file");
            }
        }
        made.put(target, wanted);
    }

    /** Every directory from the root down to {@code dir} is, or will be made, a real directory. */
    private void requireDirectories(Path dir, String name, String what) {
        for (Path p = dir; p != null && !p.equals(root) && p.startsWith(root); p = p.getParent()) {
            Kind kind = kindOf(p);
            if (kind == Kind.SYMLINK) {
                throw refuse(what, name, "path passes through symlink " + root.relativize(p));
            }
            if (kind != null && kind != Kind.DIRECTORY) {
                throw refuse(what, name, root.relativize(p) + " is not a directory");
            }
        }
    }

    private Kind kindOf(Path path) {
        Kind planned = made.get(path);
        if (planned != null) {
            return planned;
        }
        if (Files.isSymbolicLink(path)) {
            return Kind.SYMLINK;
        }
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        return Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) ? Kind.DIRECTORY
                : Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) ? Kind.FILE : Kind.OTHER;
    }

    private static EngineException refuse(String what, String name, String why) {
        return EngineException.invalid("extract " + what + ": refusing entry \"" + name + "\": " + why);
    }
}
