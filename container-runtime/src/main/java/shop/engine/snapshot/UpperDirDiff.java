package shop.engine.snapshot;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * An overlayfs upper directory as an OCI layer: 0/0 character devices become {@code .wh.<name>},
 * opaque directories get {@code .wh..wh..opq}, and files sharing an inode become hardlinks.
 * Entries are written in sorted order so the same tree gives the same tar.
 */
final class UpperDirDiff {

    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private final Path upper;
    private final Map<Long, String> firstNameOfInode = new HashMap<>();

    UpperDirDiff(Path upper) {
        this.upper = upper;
    }

    void write(OutputStream out) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        walk(tar, upper);
        tar.finish();
    }

    private void walk(TarArchiveOutputStream tar, Path dir) throws IOException {
        List<Path> children;
        try (Stream<Path> list = Files.list(dir)) {
            children = list.sorted().toList();
        }
        for (Path child : children) {
            String name = upper.relativize(child).toString();
            Map<String, Object> attrs = Files.readAttributes(child, "unix:*", NOFOLLOW);
            int mode = (Integer) attrs.get("mode");
            int type = mode & 0170000;
            TarArchiveEntry entry;
            if (type == 0020000 && (Long) attrs.get("rdev") == 0) {
                Path parent = upper.relativize(child.getParent());
                put(tar, new TarArchiveEntry(parent.resolve(Whiteouts.PREFIX + child.getFileName()).toString()), null);
                continue;
            } else if (type == 0040000) {
                entry = new TarArchiveEntry(name + "/");
            } else if (type == 0120000) {
                entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
                entry.setLinkName(Files.readSymbolicLink(child).toString());
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
            entry.setModTime(((java.nio.file.attribute.FileTime) attrs.get("lastModifiedTime")).toMillis());
            // Only a regular file's first name carries content (TarArchiveEntry.isFile() is true for symlinks too).
            put(tar, entry, type == 0100000 && !entry.isLink() ? child : null);
            if (type == 0040000) {
                if (isOpaque(child)) {
                    put(tar, new TarArchiveEntry(name + "/" + Whiteouts.OPAQUE), null);
                }
                walk(tar, child);
            }
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

    private static boolean isOpaque(Path dir) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(dir, UserDefinedFileAttributeView.class, NOFOLLOW);
        if (!view.list().contains(Whiteouts.OPAQUE_XATTR)) {
            return false;
        }
        ByteBuffer value = ByteBuffer.allocate(view.size(Whiteouts.OPAQUE_XATTR));
        view.read(Whiteouts.OPAQUE_XATTR, value);
        return value.flip().remaining() == 1 && value.get() == 'y';
    }

    private static void put(TarArchiveOutputStream tar, TarArchiveEntry entry, Path content) throws IOException {
        tar.putArchiveEntry(entry);
        if (content != null) {
            Files.copy(content, tar);
        }
        tar.closeArchiveEntry();
    }
}
