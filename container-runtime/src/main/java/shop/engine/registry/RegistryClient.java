package shop.engine.registry;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import shop.engine.image.ImageStore;
import shop.engine.image.Reference;

/**
 * {@link Registry} over the JDK's HTTP client. Its files live under {@code <state>/registry}:
 * {@code partial/} (downloads being resumed) and {@code sources/} (where blobs came from, for
 * mounts).
 */
public final class RegistryClient implements Registry {

    /** Layers above this size go up in PATCH chunks of {@link #DEFAULT_CHUNK_SIZE}. */
    public static final long DEFAULT_CHUNKED_ABOVE = 64L << 20;
    public static final int DEFAULT_CHUNK_SIZE = 16 << 20;

    private final RegistryHosts hosts;
    private final HttpClient http;
    private final ImagePull pull;
    private final ImagePush push;

    public RegistryClient(ImageStore images, Path dir, RegistryHosts hosts, long chunkedAbove, int chunkSize) {
        this.hosts = hosts;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(15)).build();
        BlobSources sources = new BlobSources(dir.resolve("sources"));
        this.pull = new ImagePull(images, new BlobDownload(images.content(), dir.resolve("partial")), sources);
        this.push = new ImagePush(images, sources, chunkedAbove, chunkSize);
    }

    /** The engine's client: insecure registries from the environment, default chunking. */
    public static RegistryClient open(ImageStore images, Path state) {
        return new RegistryClient(images, state.resolve("registry"), RegistryHosts.fromEnvironment(),
                DEFAULT_CHUNKED_ABOVE, DEFAULT_CHUNK_SIZE);
    }

    @Override
    public PullResult pull(Reference ref, Credentials credentials, ProgressListener progress) {
        return pull.pull(session(ref.domain(), credentials), ref, progress);
    }

    @Override
    public String push(Reference ref, Credentials credentials, ProgressListener progress) {
        return push.push(session(ref.domain(), credentials), ref, progress);
    }

    @Override
    public void login(String domain, Credentials credentials) {
        session(domain, credentials).ping();
    }

    private RegistrySession session(String domain, Credentials credentials) {
        return new RegistrySession(http, hosts.base(domain), domain, credentials);
    }
}
