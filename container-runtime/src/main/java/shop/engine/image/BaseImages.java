package shop.engine.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import shop.engine.support.EngineException;

/**
 * Images a build's FROM or a new container names, found in the store or fetched there:
 * {@code debian:bookworm-slim} and {@code debian:trixie-slim} (and Docker Hub's other names for
 * them) imported from the debootstrap tarballs ci-prereqs.sh caches outside the clone, any other
 * name pulled from its registry (as Docker does). Either happens the first time the name is asked
 * for; then it is an ordinary tagged image. Trixie is there for the services' JRE: Debian 12 stops
 * at Java 17, and Java 25's AOT cache halves a service's start.
 */
public final class BaseImages {

    public static final String DEBIAN = "debian:bookworm-slim";
    /** Each name Docker Hub gives a Debian release, with the suite whose tarball stands in for it. */
    private static final Map<String, String> SUITE_OF_NAME = Map.of(
            "docker.io/library/debian:bookworm-slim", "bookworm", "docker.io/library/debian:bookworm", "bookworm",
            "docker.io/library/debian:12-slim", "bookworm", "docker.io/library/debian:12", "bookworm",
            "docker.io/library/debian:trixie-slim", "trixie", "docker.io/library/debian:trixie", "trixie",
            "docker.io/library/debian:13-slim", "trixie", "docker.io/library/debian:13", "trixie");
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
        String suite = SUITE_OF_NAME.get(name);
        if (suite == null) {
            try {
                return pull.apply(ref);
            } catch (EngineException e) {
                throw EngineException.notFound("No such image: " + refOrId + " (pull: " + e.getMessage() + ")");
            }
        }
        Path tarball = cache.resolve("debian-" + suite + "-minbase.tar");
        if (!Files.isRegularFile(tarball)) {
            throw EngineException.notFound("No such image: " + refOrId + ", and no debootstrap tarball at "
                    + tarball + " to bootstrap it from: run container-runtime/ci-prereqs.sh");
        }
        try (InputStream in = Files.newInputStream(tarball)) {
            Image image = images.importRootfs(in, "debian:" + suite + "-slim", DEBIAN_CONFIG);
            images.tag(image.id(), name);
            return images.resolve(name);
        } catch (IOException e) {
            throw EngineException.failed("import " + tarball + ": " + e.getMessage(), e);
        }
    }
}
