package shop.engine.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * OCI whiteout names in layer tars and what they become on overlayfs: {@code .wh.<name>} is a
 * 0/0 character device named {@code <name>}, and {@code .wh..wh..opq} is the opaque xattr on
 * its directory. Mounts use overlayfs' {@code userxattr} option, so the xattr is
 * {@code user.overlay.opaque}, which Java can read and write (it cannot touch {@code trusted.*}).
 */
final class Whiteouts {

    static final String PREFIX = ".wh.";
    static final String OPAQUE = ".wh..wh..opq";
    static final String OPAQUE_XATTR = "overlay.opaque";

    private Whiteouts() {
    }

    /** Whether an unpacked path is an overlayfs whiteout: a 0/0 character device. */
    static boolean isWhiteout(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & 0170000) == 0020000 && (Long) Files.getAttribute(path, "unix:rdev", LinkOption.NOFOLLOW_LINKS) == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
