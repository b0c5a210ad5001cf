package shop.engine.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import shop.engine.EngineException;

/**
 * Images no registry needs to serve: {@code debian:bookworm-slim} (and {@code debian:bookworm})
 * imported from the debootstrap tarball ci-prereqs.sh caches outside the clone. The import
 * happens the first time such a name is asked for and is then an ordinary tagged image.
 */
public final class BaseImages {

    public static final String DEBIAN = "debian:bookworm-slim";
    private static final List<String> DEBIAN_NAMES = List.of("docker.io/library/debian:bookworm-slim",
            "docker.io/library/debian:bookworm", "docker.io/library/debian:12-slim", "docker.io/library/debian:12");
    private static final ContainerConfig DEBIAN_CONFIG = ContainerConfig.EMPTY
            .withEnv(List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"))
            .withCmd(List.of("bash"));

    private final ImageStore images;
    private final Path cache;

    public BaseImages(ImageStore images, Path cache) {
        this.images = images;
        this.cache = cache;
    }

    public ImageStore store() {
        return images;
    }

    /** The default cache, shared with ci-prereqs.sh: $SHOP_ENGINE_CACHE or /var/cache/shop-engine. */
    public static Path defaultCache() {
        String env = System.getenv("SHOP_ENGINE_CACHE");
        return Path.of(env != null && !env.isEmpty() ? env : "/var/cache/shop-engine");
    }

    /** The image by that name, bootstrapping it when it is a base image not yet in the store. */
    public Image resolve(String refOrId) {
        Optional<Image> found = images.find(refOrId);
        if (found.isPresent()) {
            return found.get();
        }
        String name = Reference.parse(refOrId).toString();
        if (!DEBIAN_NAMES.contains(name)) {
            throw EngineException.notFound("No such image: " + refOrId
                    + " (no registry is configured; only " + DEBIAN + " can be bootstrapped)");
        }
        Path tarball = cache.resolve("debian-bookworm-minbase.tar");
        if (!Files.isRegularFile(tarball)) {
            throw EngineException.notFound("No such image: " + refOrId + ", and no debootstrap tarball at "
                    + tarball + " to bootstrap it from: run container-runtime/ci-prereqs.sh");
        }
        try (InputStream in = Files.newInputStream(tarball)) {
            Image image = images.importRootfs(in, DEBIAN, DEBIAN_CONFIG);
            images.tag(image.id(), name);
            return images.resolve(name);
        } catch (IOException e) {
            throw EngineException.failed("import " + tarball + ": " + e.getMessage(), e);
        }
    }
}
