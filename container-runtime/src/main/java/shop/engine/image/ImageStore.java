package shop.engine.image;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import shop.engine.content.ContentStore;
import shop.engine.content.Descriptor;

/**
 * Images by name and ID, over a {@link ContentStore}; the layout's index.json is the tag store.
 *
 * <p>Lifecycle: an image enters by {@link #importRootfs import}, {@link #load load} or
 * {@link #commit commit} (the builder's way): its blobs are written to the content store first,
 * then one index entry per name points at its manifest, so a crash between the two leaves only
 * unreferenced blobs. It is read by name or ID; {@link #remove} drops a name, and when an image
 * has no name and no other keeper left its blobs are garbage-collected.
 */
public interface ImageStore {

    /** An image by reference ({@code debian:bookworm-slim}), full or short ID, or manifest digest. */
    Image resolve(String refOrId);

    Optional<Image> find(String refOrId);

    /** Named images, and unnamed ones that are not build intermediates. */
    List<Image> list();

    /** Stores a manifest for already-written layer blobs; the image has no name until tagged. */
    Image commit(ImageConfig config, List<Descriptor> layers, Map<String, String> keepers);

    /** The image a keeper committed under this value (the build cache's lookup). */
    Optional<Image> kept(String keeper, String value);

    Image tag(String source, String target);

    /**
     * Names a manifest whose blobs are all in the content store already (a pull keeps the
     * registry's bytes, and so its digest); with a null name the image stays reachable by digest.
     */
    Image add(Descriptor manifest, Reference name);

    /** Untags a name, or removes an image by ID; returns what was untagged and deleted, Docker-style. */
    List<String> remove(String refOrId, boolean force);

    /** Forgets the build cache (images kept only as a build step's result); returns the bytes freed. */
    long pruneKept();

    /** Drops every name of the image but keeps it, reachable by ID (a forced rmi of an image a container uses). */
    List<String> untag(String refOrId);

    /** Imports a root filesystem tarball (plain or gzip) as a one-layer image named {@code ref}. */
    Image importRootfs(InputStream tar, String ref, ContainerConfig config);

    /** Writes one tarball that is both an OCI image layout and a docker-archive (as Docker 25+ does). */
    void save(List<String> refs, OutputStream out);

    /** Reads an OCI-layout tarball or a docker-archive (docker save); returns the names it loaded (IDs for unnamed images). */
    List<String> load(InputStream tar);

    ContentStore content();
}
