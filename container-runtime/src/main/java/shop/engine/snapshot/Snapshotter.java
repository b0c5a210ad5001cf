package shop.engine.snapshot;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import shop.engine.content.ContentStore;
import shop.engine.content.Descriptor;

/**
 * Image layers unpacked for overlayfs, and the read-write mounts containers and build steps run on.
 *
 * <p>Lifecycle: {@link #mount} unpacks each layer that is not unpacked yet (once per chain ID,
 * shared by every image with that chain), makes an upper and a work directory for the key and
 * mounts overlayfs at the key's rootfs; the caller runs in it; {@link #diff} writes what the
 * upper directory changed as an OCI layer tar; {@link #unmount} undoes the mount, and
 * {@link #remove} deletes the key's directories (unmounting first if need be). Unpacked layers
 * stay, keyed by chain ID.
 */
public interface Snapshotter {

    /** Mounts layers (lowest first) with a fresh or existing upper dir for {@code key}; returns the rootfs. */
    Path mount(String key, List<Layer> layers);

    boolean isMounted(String key);

    void unmount(String key);

    /** Writes the key's changes (its upper dir) as a layer tar with OCI whiteouts. */
    void diff(String key, OutputStream out);

    /** The key's changes as a layer blob in {@code content} (an uncompressed OCI layer). */
    Descriptor commitDiff(String key, ContentStore content);

    /** What the key's upper dir changed against {@code layers} (its image's, lowest first), as docker diff lists it. */
    List<Change> changes(String key, List<Layer> layers);

    void remove(String key);

    /** The directory the key's rootfs is (or would be) mounted at. */
    Path rootfs(String key);

    /** The key's upper directory, so callers can write into a created container before its start. */
    Path upper(String key);
}
