package shop.engine.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import shop.engine.content.Compression;
import shop.engine.content.Digest;
import shop.engine.support.EngineException;

/**
 * Checks that each layer of an image from outside (pulled or loaded) unpacks to the tar its
 * config's {@code diff_ids} name. The snapshotter keys unpacked layers by the chain of diff_ids,
 * so a layer that lies about its diff_id would be unpacked once under another image's name and
 * then shared: a forged {@code debian:bookworm-slim} would put its files under every later FROM.
 * The blob digest the content store checks covers only the compressed bytes, not this; for an
 * uncompressed layer (the engine's own builds push them so) it is the same digest, already checked,
 * and the layer is not read again.
 */
public final class DiffIds {

    private DiffIds() {
    }

    /** A layer's blob: its file, and its digest when a content store has checked the file against it (else null). */
    public record Blob(Path file, String digest) {
    }

    /**
     * @param what   the operation, for the error ("pull registry/name:tag")
     * @param config the image's config, whose rootfs.diff_ids are checked
     * @param layers the layers' blobs, plain or gzip, in the manifest's order
     * @throws EngineException (invalid) naming the first layer that does not match
     */
    public static void verify(String what, ImageConfig config, List<Blob> layers) {
        List<String> expected = config.diffIds();
        if (expected.size() != layers.size()) {
            throw EngineException.invalid(what + ": the manifest has " + layers.size() + " layers but the config's diff_ids name "
                    + expected.size());
        }
        for (int i = 0; i < layers.size(); i++) {
            if (expected.get(i).equals(layers.get(i).digest())) {
                continue;
            }
            String actual = of(layers.get(i).file(), what);
            if (!actual.equals(expected.get(i))) {
                throw EngineException.invalid(what + ": layer " + (i + 1) + " unpacks to " + actual
                        + " but the config's diff_ids say " + expected.get(i) + "; refusing the image");
            }
        }
    }

    /** The sha256 of the layer's uncompressed tar. */
    static String of(Path layer, String what) {
        MessageDigest sha = Digest.sha256();
        try (InputStream in = Compression.plain(Files.newInputStream(layer))) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw EngineException.invalid(what + ": layer " + layer.getFileName() + " cannot be read as plain or gzip: "
                    + e.getMessage());
        }
        return Digest.format(sha.digest());
    }
}
