package shop.engine.registry;

import shop.engine.image.Image;
import shop.engine.image.Reference;

/**
 * Moves images between the local {@link shop.engine.image.ImageStore} and OCI distribution
 * registries (distribution spec v1.1, Docker's v2 manifests).
 *
 * <p>Lifecycle of a pull: manifest, then blobs verified into the content store (resuming broken
 * downloads, skipping blobs the store has), then the name; a failure leaves the old name as it
 * was and no unverified byte in the store. A push sends missing blobs and then the manifest; the
 * tag appears in the registry only once everything it refers to is there. Each call opens its
 * own session, so credentials and tokens live for one operation.
 */
public interface Registry {

    record PullResult(Image image, boolean newer) {
    }

    PullResult pull(Reference ref, Credentials credentials, ProgressListener progress);

    /** Pushes the local image named {@code ref}; returns the manifest digest. */
    String push(Reference ref, Credentials credentials, ProgressListener progress);

    /** Checks the credentials against the registry's {@code /v2/}; an error says why they were refused. */
    void login(String domain, Credentials credentials);
}
