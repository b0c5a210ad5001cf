package shop.engine.snapshot;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Files as a tar, as they are on disk: owners, modes and mtimes kept, symlinks stored as links
 * (never followed), files sharing an inode as hardlinks, devices and FIFOs as themselves. Entries
 * go in sorted order, so the same tree gives the same tar. Layers, {@code docker cp} and
 * {@code docker export} are all written this way.
 */
public final class TreeTar implements AutoCloseable {

    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private final TarArchiveOutputStream tar;
    private final Map<Long, String> firstNameOfInode = new HashMap<>();

    public TreeTar(OutputStream out) {
        tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    /** Adds {@code path} as {@code name}, and a directory's whole content below it. */
    public void addTree(Path path, String name) throws IOException {
        addTree(path, name, below -> false);
    }

    /** Adds {@code path} as {@code name}, and what is below a directory but the names (and their trees) left out. */
    public void addTree(Path path, String name, Predicate<String> leftOut) throws IOException {
        add(path, name);
        if (Files.isDirectory(path, NOFOLLOW)) {
            for (Path child : children(path)) {
                String childName = name.isEmpty() ? child.getFileName().toString() : name + "/" + child.getFileName();
                if (!leftOut.test(childName)) {
                    addTree(child, childName, leftOut);
                }
            }
        }
    }

    /** Adds {@code path} alone as {@code name} (a directory without its content). */
    void add(Path path, String name) throws IOException {
        Map<String, Object> attrs = Files.readAttributes(path, "unix:*", NOFOLLOW);
        int mode = (Integer) attrs.get("mode");
        int type = mode & 0170000;
        TarArchiveEntry entry;
        if (type == 0040000) {
            entry = new TarArchiveEntry(name.isEmpty() ? "./" : name + "/");
        } else if (type == 0120000) {
            entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
            entry.setLinkName(Files.readSymbolicLink(path).toString());
        } else if (type == 0100000) {
            long inode = (Long) attrs.get("ino");
            String first = (Integer) attrs.get("nlink") > 1 ? firstNameOfInode.putIfAbsent(inode, name) : null;
            if (first != null) {
                entry = new TarArchiveEntry(name, TarConstants.LF_LINK);
                entry.setLinkName(first);
            } else {
                entry = new TarArchiveEntry(name);
                entry.setSize((Long) attrs.get("size"));
            }
        } else {
            entry = device(name, type, (Long) attrs.get("rdev"));
        }
        entry.setMode(mode & 07777);
        entry.setUserId((Integer) attrs.get("uid"));
        entry.setGroupId((Integer) attrs.get("gid"));
        entry.setModTime(((FileTime) attrs.get("lastModifiedTime")).toMillis());
        // Only a regular file's first name carries content (TarArchiveEntry.isFile() is true for symlinks too).
        put(entry, type == 0100000 && !entry.isLink() ? path : null);
    }

    /** An entry with no file behind it (a whiteout, an opaque marker). */
    void addEmpty(String name) throws IOException {
        put(new TarArchiveEntry(name), null);
    }

    /** A directory's entries, sorted, so tars of the same tree are the same. */
    public static List<Path> children(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.sorted().toList();
        }
    }

    private static TarArchiveEntry device(String name, int type, long rdev) {
        byte flag = type == 0020000 ? TarConstants.LF_CHR : type == 0060000 ? TarConstants.LF_BLK : TarConstants.LF_FIFO;
        TarArchiveEntry entry = new TarArchiveEntry(name, flag);
        // Linux's dev_t split: major in bits 8-19 and 32-43, minor in bits 0-7 and 20-31.
        entry.setDevMajor((int) (((rdev >> 8) & 0xfff) | ((rdev >> 32) & ~0xfffL)));
        entry.setDevMinor((int) ((rdev & 0xff) | ((rdev >> 12) & ~0xffL)));
        return entry;
    }

    private void put(TarArchiveEntry entry, Path content) throws IOException {
        tar.putArchiveEntry(entry);
        if (content != null) {
            Files.copy(content, tar);
        }
        tar.closeArchiveEntry();
    }

    /** Ends the archive; the underlying stream stays open. */
    @Override
    public void close() throws IOException {
        tar.finish();
    }
}
