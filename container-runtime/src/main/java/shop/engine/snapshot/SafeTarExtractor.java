package shop.engine.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import shop.engine.content.Compression;
import shop.engine.support.EngineException;
import shop.engine.support.FileTrees;

/**
 * Unpacks a layer tar into a directory and never writes outside it: it refuses {@code ..},
 * absolute names, paths that pass through a symlink, and hardlinks whose target is outside or
 * reached through a symlink. Symlinks themselves may point anywhere: they are never followed
 * here, and inside the container they resolve against the container's root.
 *
 * <p>Whiteouts become overlayfs whiteouts: a hardlink to the one 0/0 character device the
 * snapshotter makes at start (Java cannot mknod), and the opaque xattr. Device nodes and FIFOs
 * in layers are skipped: the runtime gives each container its own /dev.
 *
 * <p>A tar is hostile input (a pulled layer, a build context, an ADD): past {@link Limits} of
 * entries or unpacked bytes it is refused, so a small gzip cannot fill the disk or the inode table.
 */
public final class SafeTarExtractor {

    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    /** The most one tar may unpack to: entries, and bytes of file content. */
    public record Limits(long entries, long bytes) {
        /** Far above any real layer (the shop's largest, the JRE's, has 3,000 entries and 200 MB). */
        public static final Limits DEFAULT = new Limits(1_000_000, 16L << 30);
    }

    private final Path whiteoutDevice;
    private final Limits limits;

    /** @param whiteoutDevice the 0/0 device whiteouts link to, or null where whiteouts mean nothing (ADD of an archive) */
    public SafeTarExtractor(Path whiteoutDevice) {
        this(whiteoutDevice, Limits.DEFAULT);
    }

    public SafeTarExtractor(Path whiteoutDevice, Limits limits) {
        this.whiteoutDevice = whiteoutDevice;
        this.limits = limits;
    }

    /** Extracts a plain or gzip tar into {@code root}, which must exist. */
    public void extract(InputStream raw, Path root, String what) {
        List<Runnable> directoryTimes = new ArrayList<>();
        try (InputStream in = Compression.plain(raw);
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry entry;
            long entries = 0;
            long bytes = 0;
            while ((entry = tar.getNextEntry()) != null) {
                bytes += entry.isFile() ? entry.getRealSize() : 0;
                if (++entries > limits.entries()) {
                    throw refuse(what, entry.getName(), "more than " + limits.entries() + " entries");
                }
                if (bytes > limits.bytes()) {
                    throw refuse(what, entry.getName(), "the files add up to more than " + limits.bytes() + " bytes");
                }
                extractEntry(tar, entry, root, what, directoryTimes);
            }
        } catch (IOException e) {
            throw EngineException.failed("extract " + what + ": " + e.getMessage(), e);
        }
        // Directory mtimes last: writing into a directory would change them again.
        directoryTimes.forEach(Runnable::run);
    }

    private void extractEntry(TarArchiveInputStream tar, TarArchiveEntry entry, Path root, String what,
                              List<Runnable> directoryTimes) throws IOException {
        String name = entry.getName();
        Path target = inside(root, name, what);
        if (target.equals(root)) {
            if (entry.isDirectory()) {
                applyMetadata(entry, root, directoryTimes);
            }
            return;
        }
        Path parent = target.getParent();
        requireNoSymlinkBetween(root, parent, name, what);
        Files.createDirectories(parent);
        String base = target.getFileName().toString();

        if (whiteoutDevice != null && base.equals(Whiteouts.OPAQUE)) {
            userXattr(parent, Whiteouts.OPAQUE_XATTR, "y");
            return;
        }
        if (whiteoutDevice != null && base.startsWith(Whiteouts.PREFIX)) {
            String hiddenName = base.substring(Whiteouts.PREFIX.length());
            if (hiddenName.isEmpty() || hiddenName.equals(".") || hiddenName.equals("..")) {
                throw refuse(what, name, "whiteout names no sibling");
            }
            Path hidden = parent.resolve(hiddenName);
            removeExisting(hidden);
            Files.createLink(hidden, whiteoutDevice);
            return;
        }

        if (entry.isDirectory()) {
            if (Files.isSymbolicLink(target) || (Files.exists(target, NOFOLLOW) && !Files.isDirectory(target, NOFOLLOW))) {
                removeExisting(target);
            }
            Files.createDirectories(target);
            applyMetadata(entry, target, directoryTimes);
        } else if (entry.isSymbolicLink()) {
            removeExisting(target);
            Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
            applyOwner(entry, target);
        } else if (entry.isLink()) {
            Path source = inside(root, entry.getLinkName(), what);
            requireNoSymlinkBetween(root, source.getParent(), entry.getLinkName(), what);
            if (!Files.isRegularFile(source, NOFOLLOW) && !Files.isSymbolicLink(source)) {
                throw refuse(what, name, "hardlink target " + entry.getLinkName() + " is not an earlier file of this layer");
            }
            removeExisting(target);
            Files.createLink(target, source);
        } else if (entry.isFile()) {
            removeExisting(target);
            Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
            applyMetadata(entry, target, null);
        }
        // Character and block devices and FIFOs: skipped (see the class comment).
    }

    /** The entry's path under root; refuses absolute names and any ".." component. */
    static Path inside(Path root, String name, String what) {
        String relative = name;
        while (relative.startsWith("./")) {
            relative = relative.substring(2);
        }
        if (relative.startsWith("/")) {
            throw refuse(what, name, "absolute path");
        }
        for (String part : relative.split("/")) {
            if (part.equals("..")) {
                throw refuse(what, name, "path contains ..");
            }
        }
        Path path = root.resolve(relative).normalize();
        if (!path.startsWith(root)) {
            throw refuse(what, name, "path leaves the root");
        }
        return path;
    }

    private static void requireNoSymlinkBetween(Path root, Path dir, String name, String what) {
        for (Path p = dir; p != null && !p.equals(root); p = p.getParent()) {
            if (Files.isSymbolicLink(p)) {
                throw refuse(what, name, "path passes through symlink " + root.relativize(p));
            }
        }
    }

    private static EngineException refuse(String what, String name, String why) {
        return EngineException.invalid("extract " + what + ": refusing entry \"" + name + "\": " + why);
    }

    private static void removeExisting(Path path) throws IOException {
        FileTrees.delete(path);
    }

    private static void applyOwner(TarArchiveEntry entry, Path path) throws IOException {
        Files.setAttribute(path, "unix:uid", (int) entry.getLongUserId(), NOFOLLOW);
        Files.setAttribute(path, "unix:gid", (int) entry.getLongGroupId(), NOFOLLOW);
    }

    private static void applyMetadata(TarArchiveEntry entry, Path path, List<Runnable> directoryTimes) throws IOException {
        applyOwner(entry, path);
        // After chown: chown clears setuid and setgid bits.
        Files.setAttribute(path, "unix:mode", entry.getMode() & 07777, NOFOLLOW);
        FileTime mtime = FileTime.from(entry.getModTime().toInstant());
        Runnable setTime = () -> {
            try {
                Files.getFileAttributeView(path, BasicFileAttributeView.class, NOFOLLOW).setTimes(mtime, null, null);
            } catch (IOException ignored) {
                // A wrong mtime changes nothing a container or a build cache key depends on.
            }
        };
        if (directoryTimes != null) {
            directoryTimes.add(setTime);
        } else {
            setTime.run();
        }
    }

    static void userXattr(Path path, String name, String value) throws IOException {
        Files.getFileAttributeView(path, UserDefinedFileAttributeView.class, NOFOLLOW)
                .write(name, ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
    }
}
