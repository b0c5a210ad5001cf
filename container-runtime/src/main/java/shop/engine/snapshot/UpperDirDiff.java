package shop.engine.snapshot;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;

/**
 * An overlayfs upper directory as an OCI layer: 0/0 character devices become {@code .wh.<name>},
 * opaque directories get {@code .wh..wh..opq}; everything else goes in as {@link TreeTar} writes it.
 */
final class UpperDirDiff {

    private final Path upper;

    UpperDirDiff(Path upper) {
        this.upper = upper;
    }

    void write(OutputStream out) throws IOException {
        try (TreeTar tar = new TreeTar(out)) {
            walk(tar, upper);
        }
    }

    private void walk(TreeTar tar, Path dir) throws IOException {
        for (Path child : TreeTar.children(dir)) {
            String name = upper.relativize(child).toString();
            if (Whiteouts.isWhiteout(child)) {
                tar.addEmpty(upper.relativize(child.getParent()).resolve(Whiteouts.PREFIX + child.getFileName()).toString());
                continue;
            }
            tar.add(child, name);
            if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                if (isOpaque(child)) {
                    tar.addEmpty(name + "/" + Whiteouts.OPAQUE);
                }
                walk(tar, child);
            }
        }
    }

    private static boolean isOpaque(Path dir) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(dir, UserDefinedFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (!view.list().contains(Whiteouts.OPAQUE_XATTR)) {
            return false;
        }
        ByteBuffer value = ByteBuffer.allocate(view.size(Whiteouts.OPAQUE_XATTR));
        view.read(Whiteouts.OPAQUE_XATTR, value);
        return value.flip().remaining() == 1 && value.get() == 'y';
    }
}
