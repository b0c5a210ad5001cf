package shop.engine.content;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Set;

/**
 * Content-addressed blobs, kept as an OCI image layout ({@code blobs/sha256/<hex>}).
 *
 * <p>Lifecycle: a blob is written once, streamed into a private ingest file while its sha256 is
 * computed; when the stream ends the digest is checked against the expected one (if the caller
 * knows it) and only then is the file renamed into place, so a reader never sees a partial or
 * wrong blob. Blobs are then read by digest, any number of times, until the image store deletes
 * the ones no image refers to.
 */
public interface ContentStore {

    /** Writes a blob; {@code expectedDigest} may be null when the caller learns the digest from the write. */
    Descriptor write(String mediaType, InputStream in, String expectedDigest);

    Descriptor write(String mediaType, byte[] bytes);

    /**
     * Takes a finished file (a download) into the store by moving it, after checking its digest;
     * the file is gone afterwards, taken in or, on a mismatch, deleted. It saves a copy of large
     * blobs; the file should live on the store's filesystem for the move to be a rename.
     */
    Descriptor ingest(String mediaType, Path file, String expectedDigest);

    byte[] read(String digest);

    InputStream open(String digest);

    /** The blob's file, for readers that need random access or a path (overlay unpacking, save). */
    Path path(String digest);

    boolean contains(String digest);

    void delete(String digest);

    Set<String> digests();

    /** The layout's root, where index.json and oci-layout live. */
    Path root();
}
