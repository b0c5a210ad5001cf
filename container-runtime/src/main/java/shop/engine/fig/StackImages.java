package shop.engine.fig;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Set;

/**
 * The images of a stack's services: built from their {@code build:} where they have one, pulled
 * where they do not, and pushed to their registries, the stack's own registry included once it runs.
 */
final class StackImages {

    private final DockerClient docker;
    private final StackContainers containers;
    private final PrintStream out;

    StackImages(DockerClient docker, StackContainers containers, PrintStream out) {
        this.docker = docker;
        this.containers = containers;
        this.out = out;
    }

    /** Builds when asked to or when the image is missing and the service has a build; pulls when it has none. */
    String ensure(ServiceSpec service, boolean forceBuild) {
        boolean present = imageId(service.image()) != null;
        if (service.build() != null && (forceBuild || !present)) {
            build(service, false);
        } else if (!present) {
            pull(service);
        }
        String id = imageId(service.image());
        if (id == null) {
            throw new FigException("service " + service.name() + ": image " + service.image() + " is not available");
        }
        return id;
    }

    private String imageId(String image) {
        try {
            return docker.inspectImageCmd(image).exec().getId();
        } catch (NotFoundException e) {
            return null;
        }
    }

    void build(ServiceSpec service, boolean noCache) {
        if (service.build() == null) {
            out.println(service.name() + " uses an image, skipping");
            return;
        }
        out.println("Building " + service.name());
        var cmd = docker.buildImageCmd().withBaseDirectory(service.build().context().toFile())
                .withDockerfile(service.build().context().resolve(service.build().dockerfile()).toFile())
                .withTags(Set.of(service.image())).withNoCache(noCache).withPull(false);
        service.build().args().forEach(cmd::withBuildArg);
        try {
            cmd.start().awaitImageId();
        } catch (RuntimeException e) {
            throw new FigException("service " + service.name() + ": build failed: " + e.getMessage(), e);
        }
    }

    void pull(ServiceSpec service) {
        out.println("Pulling " + service.name() + " (" + service.image() + ")...");
        try {
            docker.pullImageCmd(service.image()).start().awaitCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FigException("interrupted while pulling " + service.image(), e);
        }
    }

    void push(ServiceSpec service) {
        out.println("Pushing " + service.name() + " (" + service.image() + ")...");
        try {
            docker.pushImageCmd(service.image()).start().awaitCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FigException("interrupted while pushing " + service.image(), e);
        } catch (RuntimeException e) {
            throw new FigException("service " + service.name() + ": push of " + service.image() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * A built image named {@code localhost:<port>/...} goes to the stack's own registry when a
     * running service of the stack publishes that port: the teams' images are then in the
     * registry as soon as the stack is up.
     */
    void pushToStackRegistry(ServiceSpec service) {
        if (service.build() == null || !service.image().matches("(localhost|127\\.0\\.0\\.1):\\d+/.+")) {
            return;
        }
        String port = service.image().substring(service.image().indexOf(':') + 1, service.image().indexOf('/'));
        boolean served = containers.replicas(null, false).stream().anyMatch(c -> Arrays.stream(c.getPorts())
                .anyMatch(p -> p.getPublicPort() != null && String.valueOf(p.getPublicPort()).equals(port)));
        if (served) {
            push(service);
        }
    }
}
