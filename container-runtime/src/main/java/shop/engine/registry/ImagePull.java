package shop.engine.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import shop.engine.content.ContentStore;
import shop.engine.content.Descriptor;
import shop.engine.content.Digest;
import shop.engine.image.DiffIds;
import shop.engine.image.Image;
import shop.engine.image.ImageConfig;
import shop.engine.image.ImageStore;
import shop.engine.image.Manifest;
import shop.engine.image.MediaTypes;
import shop.engine.image.Reference;
import shop.engine.registry.ProgressListener.LayerPhase;
import shop.engine.support.EngineException;
import shop.engine.support.Json;

/**
 * One pull: the manifest (an index or manifest list resolves to the host's platform), then the
 * config and the layers the store lacks, {@link #PARALLEL} at a time, each verified on its way
 * in; the manifest enters the store last, byte for byte as the registry served it (so the image
 * keeps its digest), and only then is the name moved to it.
 */
final class ImagePull {

    /** Docker pulls 3 layers at once. */
    static final int PARALLEL = 3;

    /** Every manifest kind we read; the registry picks one and says which in Content-Type. */
    static final String ACCEPT = String.join(", ", MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST,
            MediaTypes.DOCKER_MANIFEST_LIST, MediaTypes.DOCKER_MANIFEST);

    private final ImageStore images;
    private final BlobDownload downloads;
    private final BlobSources sources;

    ImagePull(ImageStore images, BlobDownload downloads, BlobSources sources) {
        this.images = images;
        this.downloads = downloads;
        this.sources = sources;
    }

    Registry.PullResult pull(RegistrySession session, Reference ref, ProgressListener progress) {
        String scope = "repository:" + ref.path() + ":pull";
        progress.status(ref.tag(), "Pulling from " + ref.path());
        Fetched fetched = manifest(session, ref, ref.digest() != null ? ref.digest() : ref.tag(), scope);
        if (MediaTypes.isIndex(fetched.mediaType)) {
            String platformDigest = platformManifest(fetched.bytes, ref);
            fetched = manifest(session, ref, platformDigest, scope);
            if (MediaTypes.isIndex(fetched.mediaType)) {
                throw EngineException.invalid("pull " + ref + ": the index for linux/" + hostArchitecture() + " points at another index");
            }
        }
        Manifest manifest = Json.read(fetched.bytes, Manifest.class, "manifest of " + ref);
        if (manifest.config() == null || manifest.layers() == null) {
            throw EngineException.invalid("pull " + ref + ": the manifest has no config or no layers");
        }
        for (Descriptor layer : manifest.layers()) {
            if (layer.mediaType() != null && layer.mediaType().endsWith("+zstd")) {
                // Refused before any byte moves: the snapshotter unpacks plain and gzip tars only.
                throw EngineException.invalid("pull " + ref + ": layer " + layer.digest() + " is zstd-compressed ("
                        + layer.mediaType() + "), which this engine does not unpack yet");
            }
        }
        List<Descriptor> blobs = new ArrayList<>(manifest.layers());
        blobs.add(manifest.config());
        List<String> downloaded = fetchAll(session, ref, blobs, progress);

        ContentStore content = images.content();
        try {
            ImageConfig config = Json.read(content.read(manifest.config().digest()), ImageConfig.class, "config of " + ref);
            DiffIds.verify("pull " + ref, config, manifest.layers().stream()
                    .map(l -> new DiffIds.Blob(content.path(l.digest()), l.digest())).toList());
        } catch (EngineException e) {
            // Nothing of a refused image stays: the blobs this pull brought are referenced by no image.
            downloaded.forEach(content::delete);
            throw e;
        }
        Descriptor stored = content.write(fetched.mediaType, fetched.bytes);
        Optional<Image> before = ref.tag() == null ? Optional.empty() : images.find(ref.toString());
        Image image = images.add(stored, ref.tag() == null ? null : new Reference(ref.domain(), ref.path(), ref.tag(), null));
        boolean newer = before.isEmpty() || !before.get().manifestDescriptor().digest().equals(stored.digest());
        progress.status(null, "Digest: " + stored.digest());
        progress.status(null, "Status: " + (newer ? "Downloaded newer image for " : "Image is up to date for ") + ref.familiar());
        return new Registry.PullResult(image, newer);
    }

    /** Fetches the blobs the store lacks; returns their digests. */
    private List<String> fetchAll(RegistrySession session, Reference ref, List<Descriptor> blobs, ProgressListener progress) {
        ContentStore content = images.content();
        List<Runnable> downloadsToRun = new ArrayList<>();
        List<String> fetched = new ArrayList<>();
        for (Descriptor blob : blobs) {
            Digest.validate(blob.digest());
            if (content.contains(blob.digest())) {
                progress.layer(blob.digest(), LayerPhase.ALREADY_EXISTS, blob.size(), blob.size());
                continue;
            }
            fetched.add(blob.digest());
            progress.layer(blob.digest(), LayerPhase.WAITING, 0, blob.size());
            downloadsToRun.add(() -> {
                downloads.fetch(session, ref.path(), blob, progress);
                sources.record(blob.digest(), ref.domain(), ref.path());
                progress.layer(blob.digest(), LayerPhase.PULL_COMPLETE, blob.size(), blob.size());
            });
        }
        ParallelTasks.runAll("pull " + ref.familiar(), PARALLEL, downloadsToRun);
        return fetched;
    }

    private record Fetched(String mediaType, byte[] bytes) {
    }

    private static Fetched manifest(RegistrySession session, Reference ref, String tagOrDigest, String scope) {
        HttpRequest.Builder request = HttpRequest.newBuilder(session.uri("/v2/" + ref.path() + "/manifests/" + tagOrDigest))
                .header("Accept", ACCEPT).GET();
        HttpResponse<byte[]> response = session.send(request, HttpResponse.BodyHandlers.ofByteArray(), scope);
        if (response.statusCode() != 200) {
            throw session.error("pull " + ref.familiar() + ": manifest " + tagOrDigest, response.statusCode(), response.body());
        }
        if (tagOrDigest.startsWith("sha256:") && !Digest.of(response.body()).equals(tagOrDigest)) {
            throw EngineException.invalid("pull " + ref + ": manifest " + tagOrDigest + " has digest "
                    + Digest.of(response.body()) + "; refused");
        }
        String mediaType = response.headers().firstValue("Content-Type").orElse("").split(";")[0].strip();
        if (!readable(mediaType)) {
            // Registries that do not set Content-Type well still put the type in the document.
            mediaType = Json.read(response.body(), JsonNode.class, "manifest of " + ref).path("mediaType").asText(mediaType);
        }
        if (!readable(mediaType)) {
            throw EngineException.invalid("pull " + ref + ": unsupported manifest media type \"" + mediaType + "\"");
        }
        return new Fetched(mediaType, response.body());
    }

    private static boolean readable(String mediaType) {
        return MediaTypes.isIndex(mediaType) || mediaType.equals(MediaTypes.OCI_MANIFEST)
                || mediaType.equals(MediaTypes.DOCKER_MANIFEST);
    }

    /** The index entry for linux and this JVM's architecture, as Docker picks it. */
    private static String platformManifest(byte[] index, Reference ref) {
        String arch = hostArchitecture();
        for (JsonNode entry : Json.read(index, JsonNode.class, "index of " + ref).path("manifests")) {
            JsonNode platform = entry.path("platform");
            if (platform.path("os").asText().equals("linux") && platform.path("architecture").asText().equals(arch)) {
                return Digest.validate(entry.path("digest").asText());
            }
        }
        throw EngineException.notFound("pull " + ref + ": no manifest for linux/" + arch + " in the image index");
    }

    static String hostArchitecture() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
    }
}
