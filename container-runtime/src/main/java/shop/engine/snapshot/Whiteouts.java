package shop.engine.snapshot;

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
}
