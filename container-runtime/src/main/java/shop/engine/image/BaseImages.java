package shop.engine.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import shop.engine.support.EngineException;

/**
 * Images a build's FROM or a new container names, found in the store or fetched there:
 * {@code debian:bookworm-slim} (and {@code debian:bookworm}) imported from the debootstrap
 * tarball ci-prereqs.sh caches outside the clone, any other name pulled from its registry (as
 * Docker does). Either happens the first time the name is asked for; then it is an ordinary
 * tagged image.
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
    private final Function<Reference, Image> pull;

    /** {@code pull} fetches an image from its registry into the store; it throws when it cannot. */
    public BaseImages(ImageStore images, Path cache, Function<Reference, Image> pull) {
        this.images = images;
        this.cache = cache;
        this.pull = pull;
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
        Reference ref = Reference.parse(refOrId);
        String name = ref.toString();
        if (!DEBIAN_NAMES.contains(name)) {
            try {
                return pull.apply(ref);
            } catch (EngineException e) {
                throw EngineException.notFound("No such image: " + refOrId + " (pull: " + e.getMessage() + ")");
            }
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
