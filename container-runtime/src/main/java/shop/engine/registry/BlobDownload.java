package shop.engine.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import shop.engine.content.ContentStore;
import shop.engine.content.Descriptor;
import shop.engine.content.Digest;
import shop.engine.registry.ProgressListener.LayerPhase;
import shop.engine.support.EngineException;

/**
 * Fetches one blob into the content store. The bytes land first in a partial file of its own
 * ({@code <partials>/<hex>}); a connection that breaks leaves the file, and the next attempt,
 * in this pull or a later one, asks only for the rest with {@code Range}. The finished file
 * enters the store through {@link ContentStore#ingest}, which checks the digest and moves it in,
 * so a blob whose bytes do not match never enters it; the file is dropped then, since resuming it
 * would only reproduce the mismatch.
 */
final class BlobDownload {

    /** Attempts per blob; each one after a broken connection resumes where the last stopped. */
    static final int ATTEMPTS = 5;
    private static final int BUFFER = 1 << 16;

    private final ContentStore content;
    private final Path partials;

    BlobDownload(ContentStore content, Path partials) {
        this.content = content;
        this.partials = partials;
    }

    void fetch(RegistrySession session, String repository, Descriptor blob, ProgressListener progress) {
        String digest = Digest.validate(blob.digest());
        Path partial = partials.resolve(Digest.hex(digest));
        String scope = "repository:" + repository + ":pull";
        EngineException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                if (receive(session, repository, scope, blob, partial, progress)) {
                    break;
                }
            } catch (IOException | EngineException e) {
                if (e instanceof EngineException engine && engine.kind() != EngineException.Kind.FAILED) {
                    throw engine;
                }
                last = EngineException.failed("download blob " + digest + " from " + session.domain() + "/" + repository
                        + ": " + e.getMessage(), e);
                progress.layer(digest, LayerPhase.RETRYING, attempt, ATTEMPTS);
            }
        }
        if (!isComplete(partial, blob.size())) {
            throw last != null ? last : EngineException.failed("download blob " + digest + ": incomplete", null);
        }
        progress.layer(digest, LayerPhase.VERIFYING, blob.size(), blob.size());
        try {
            content.ingest(blob.mediaType(), partial, digest);
        } catch (EngineException e) {
            throw EngineException.invalid("pull " + session.domain() + "/" + repository + ": blob " + digest
                    + " was refused, nothing was stored: " + e.getMessage());
        }
        progress.layer(digest, LayerPhase.DOWNLOAD_COMPLETE, blob.size(), blob.size());
    }

    /** One GET; true when the partial file holds the whole blob afterwards. */
    private boolean receive(RegistrySession session, String repository, String scope, Descriptor blob, Path partial,
                            ProgressListener progress) throws IOException {
        Files.createDirectories(partials);
        long have = Files.exists(partial) ? Files.size(partial) : 0;
        if (have > blob.size()) {
            Files.delete(partial);
            have = 0;
        }
        if (have == blob.size() && have > 0) {
            return true;
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(session.uri("/v2/" + repository + "/blobs/" + blob.digest())).GET();
        if (have > 0) {
            request.header("Range", "bytes=" + have + "-");
        }
        HttpResponse<InputStream> response = session.send(request, HttpResponse.BodyHandlers.ofInputStream(), scope);
        try (InputStream body = response.body()) {
            boolean append;
            if (response.statusCode() == 206) {
                append = true;
            } else if (response.statusCode() == 200) {
                append = false;
                have = 0;
            } else {
                throw session.error("GET blob " + blob.digest(), response.statusCode(), body.readAllBytes());
            }
            try (OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                byte[] buffer = new byte[BUFFER];
                long reported = 0;
                for (int n; (n = body.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    have += n;
                    if (have > blob.size()) {
                        deleteQuietly(partial);
                        throw EngineException.invalid("pull " + session.domain() + "/" + repository + ": blob "
                                + blob.digest() + " is longer than its " + blob.size() + " bytes; nothing was stored");
                    }
                    if (have - reported >= BUFFER * 8 || have == blob.size()) {
                        progress.layer(blob.digest(), LayerPhase.DOWNLOADING, have, blob.size());
                        reported = have;
                    }
                }
            }
        }
        return isComplete(partial, blob.size());
    }

    private static boolean isComplete(Path partial, long size) {
        try {
            return Files.exists(partial) && Files.size(partial) == size;
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A stale partial file is harmless: it is resumed or replaced by the next download.
        }
    }
}
