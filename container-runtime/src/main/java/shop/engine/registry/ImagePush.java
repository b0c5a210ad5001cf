package shop.engine.registry;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import shop.engine.content.Descriptor;
import shop.engine.image.Image;
import shop.engine.image.ImageStore;
import shop.engine.image.Reference;
import shop.engine.registry.ProgressListener.LayerPhase;
import shop.engine.support.EngineException;

/**
 * One push: for each blob (layers, then config) a HEAD asks whether the registry has it; if not,
 * a cross-repository mount is tried when another repository of the same registry is known to
 * hold it, and otherwise the bytes go up, in one PUT, or in PATCH chunks above
 * {@code chunkedAbove} bytes. The manifest goes last, the stored bytes unchanged, so the
 * registry's digest is the engine's.
 */
final class ImagePush {

    /** Docker pushes 5 layers at once; 3 keeps a 2-core machine responsive. */
    static final int PARALLEL = 3;

    private final ImageStore images;
    private final BlobSources sources;
    private final long chunkedAbove;
    private final int chunkSize;

    ImagePush(ImageStore images, BlobSources sources, long chunkedAbove, int chunkSize) {
        this.images = images;
        this.sources = sources;
        this.chunkedAbove = chunkedAbove;
        this.chunkSize = chunkSize;
    }

    String push(RegistrySession session, Reference ref, ProgressListener progress) {
        if (ref.tag() == null) {
            throw EngineException.invalid("push " + ref + ": a push needs a tag");
        }
        Image image = images.resolve(ref.toString());
        progress.status(null, "The push refers to repository [" + ref.name() + "]");
        List<Descriptor> blobs = new ArrayList<>(image.manifest().layers());
        blobs.add(image.manifest().config());
        List<Runnable> uploads = new ArrayList<>();
        for (Descriptor blob : blobs) {
            progress.layer(blob.digest(), LayerPhase.PREPARING, 0, blob.size());
            uploads.add(() -> pushBlob(session, ref, blob, progress));
        }
        ParallelTasks.runAll("push " + ref.familiar(), PARALLEL, uploads);
        Descriptor manifest = image.manifestDescriptor();
        byte[] bytes = images.content().read(manifest.digest());
        HttpResponse<byte[]> response = session.send(HttpRequest.newBuilder(session.uri("/v2/" + ref.path() + "/manifests/" + ref.tag()))
                .header("Content-Type", manifest.mediaType()).PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)),
                HttpResponse.BodyHandlers.ofByteArray(), scope(ref.path()));
        if (response.statusCode() != 201) {
            throw session.error("push " + ref.familiar() + ": PUT manifest", response.statusCode(), response.body());
        }
        progress.status(null, ref.tag() + ": digest: " + manifest.digest() + " size: " + bytes.length);
        return manifest.digest();
    }

    private void pushBlob(RegistrySession session, Reference ref, Descriptor blob, ProgressListener progress) {
        String repo = ref.path();
        HttpResponse<Void> head = session.send(HttpRequest.newBuilder(session.uri("/v2/" + repo + "/blobs/" + blob.digest()))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.discarding(), scope(repo));
        if (head.statusCode() == 200) {
            progress.layer(blob.digest(), LayerPhase.LAYER_EXISTS, blob.size(), blob.size());
            sources.record(blob.digest(), ref.domain(), repo);
            return;
        }
        Optional<String> from = sources.elsewhere(blob.digest(), ref.domain(), repo);
        String start = "/v2/" + repo + "/blobs/uploads/"
                + from.map(f -> "?mount=" + blob.digest() + "&from=" + f).orElse("");
        String startScope = scope(repo) + from.map(f -> " repository:" + f + ":pull").orElse("");
        HttpResponse<byte[]> started = session.send(HttpRequest.newBuilder(session.uri(start))
                .POST(HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofByteArray(), startScope);
        if (started.statusCode() == 201 && from.isPresent()) {
            progress.layer(blob.digest(), LayerPhase.MOUNTED, blob.size(), blob.size());
            sources.record(blob.digest(), ref.domain(), repo);
            return;
        }
        if (started.statusCode() != 202) {
            throw session.error("push " + ref.familiar() + ": start upload of " + blob.digest(), started.statusCode(), started.body());
        }
        URI location = location(session, started, ref);
        Path file = images.content().path(blob.digest());
        if (blob.size() > chunkedAbove) {
            location = patchChunks(session, ref, blob, file, location, progress);
        }
        HttpRequest.BodyPublisher rest;
        try {
            rest = blob.size() > chunkedAbove ? HttpRequest.BodyPublishers.noBody() : new CountingBody(
                    HttpRequest.BodyPublishers.ofFile(file), sent -> progress.layer(blob.digest(), LayerPhase.PUSHING, sent, blob.size()));
        } catch (IOException e) {
            throw EngineException.failed("push " + ref.familiar() + ": read blob " + file + ": " + e.getMessage(), e);
        }
        HttpResponse<byte[]> done = session.send(HttpRequest.newBuilder(withDigest(location, blob.digest()))
                .header("Content-Type", "application/octet-stream").PUT(rest), HttpResponse.BodyHandlers.ofByteArray(), scope(repo));
        if (done.statusCode() != 201) {
            throw session.error("push " + ref.familiar() + ": finish upload of " + blob.digest(), done.statusCode(), done.body());
        }
        sources.record(blob.digest(), ref.domain(), repo);
        progress.layer(blob.digest(), LayerPhase.PUSHED, blob.size(), blob.size());
    }

    /** Sends the blob in PATCH chunks of {@code chunkSize}; each answer names where the next goes. */
    private URI patchChunks(RegistrySession session, Reference ref, Descriptor blob, Path file, URI location,
                            ProgressListener progress) {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            byte[] chunk = new byte[chunkSize];
            for (long offset = 0; offset < blob.size(); ) {
                int n = (int) Math.min(chunkSize, blob.size() - offset);
                long start = offset;
                in.seek(offset);
                in.readFully(chunk, 0, n);
                HttpResponse<byte[]> answer = session.send(HttpRequest.newBuilder(location)
                                .header("Content-Type", "application/octet-stream")
                                .header("Content-Range", offset + "-" + (offset + n - 1))
                                .method("PATCH", new CountingBody(HttpRequest.BodyPublishers.ofByteArray(chunk, 0, n),
                                        sent -> progress.layer(blob.digest(), LayerPhase.PUSHING, start + sent, blob.size()))),
                        HttpResponse.BodyHandlers.ofByteArray(), scope(ref.path()));
                if (answer.statusCode() != 202) {
                    throw session.error("push " + ref.familiar() + ": PATCH " + blob.digest() + " at " + offset,
                            answer.statusCode(), answer.body());
                }
                location = location(session, answer, ref);
                offset += n;
            }
            return location;
        } catch (IOException e) {
            throw EngineException.failed("push " + ref.familiar() + ": read blob " + file + ": " + e.getMessage(), e);
        }
    }

    private static URI location(RegistrySession session, HttpResponse<?> response, Reference ref) {
        return session.uri(response.headers().firstValue("Location").orElseThrow(() -> EngineException.failed(
                "push " + ref.familiar() + ": the registry started an upload without a Location", null)));
    }

    private static URI withDigest(URI location, String digest) {
        String text = location.toString();
        return URI.create(text + (text.contains("?") ? "&" : "?") + "digest=" + digest);
    }

    private static String scope(String repository) {
        return "repository:" + repository + ":pull,push";
    }
}
