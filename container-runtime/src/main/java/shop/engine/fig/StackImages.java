package shop.engine.fig;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The images of a stack's services: built from their {@code build:} where they have one, pulled
 * where they do not, and pushed to their registries, the stack's own registry included once it runs.
 * fig logs in to the stack's registry by itself: an image named {@code localhost:<port>/...}, where a
 * service of the stack publishes that port and is given {@code REGISTRY_PASSWORD} (and
 * {@code REGISTRY_USER}, default {@code shop}), is pushed and pulled with that account.
 */
final class StackImages {

    private static final Pattern STACK_REGISTRY_IMAGE = Pattern.compile("(?:localhost|127\\.0\\.0\\.1):(\\d+)/.+");

    private final DockerClient docker;
    private final ProjectSpec project;
    private final StackContainers containers;
    private final PrintStream out;

    StackImages(DockerClient docker, ProjectSpec project, StackContainers containers, PrintStream out) {
        this.docker = docker;
        this.project = project;
        this.containers = containers;
        this.out = out;
    }

    /**
     * Builds when asked to, or when the service has a build and its image is missing or was made
     * of other inputs ({@link BuildInputs}); pulls a missing image of a service without a build.
     */
    String ensure(ServiceSpec service, boolean forceBuild) {
        boolean present = imageId(service.image()) != null;
        if (service.build() != null && (forceBuild || !present || !builtOf(service.image(), BuildInputs.fingerprint(service.build())))) {
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

    private boolean builtOf(String image, String inputs) {
        Map<String, String> labels = docker.inspectImageCmd(image).exec().getConfig().getLabels();
        return labels != null && inputs.equals(labels.get(BuildInputs.LABEL));
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
                .withTags(Set.of(service.image())).withNoCache(noCache).withPull(false)
                .withLabels(Map.of(BuildInputs.LABEL, BuildInputs.fingerprint(service.build())));
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
            var pull = docker.pullImageCmd(service.image());
            AuthConfig account = stackRegistryAccount(service.image());
            (account == null ? pull : pull.withAuthConfig(account)).start().awaitCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FigException("interrupted while pulling " + service.image(), e);
        }
    }

    void push(ServiceSpec service) {
        out.println("Pushing " + service.name() + " (" + service.image() + ")...");
        try {
            var push = docker.pushImageCmd(service.image());
            AuthConfig account = stackRegistryAccount(service.image());
            (account == null ? push : push.withAuthConfig(account)).start().awaitCompletion();
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
        Matcher local = STACK_REGISTRY_IMAGE.matcher(service.image());
        if (service.build() == null || !local.matches()) {
            return;
        }
        String port = local.group(1);
        boolean served = containers.replicas(null, false).stream().anyMatch(c -> Arrays.stream(c.getPorts())
                .anyMatch(p -> p.getPublicPort() != null && String.valueOf(p.getPublicPort()).equals(port)));
        if (served) {
            push(service);
        }
    }

    /** The stack registry's account for an image in it, or null for an image of any other registry. */
    private AuthConfig stackRegistryAccount(String image) {
        Matcher local = STACK_REGISTRY_IMAGE.matcher(image);
        if (!local.matches()) {
            return null;
        }
        for (ServiceSpec registry : project.services()) {
            Map<String, String> environment = registry.environment();
            boolean publishes = registry.ports().stream().anyMatch(p -> p.matches("(?:.*:)?" + local.group(1) + ":\\d+(?:/tcp)?"));
            if (publishes && environment.containsKey("REGISTRY_PASSWORD")) {
                return new AuthConfig().withRegistryAddress(image.substring(0, image.indexOf('/')))
                        .withUsername(environment.getOrDefault("REGISTRY_USER", "shop"))
                        .withPassword(environment.get("REGISTRY_PASSWORD"));
            }
        }
        return null;
    }
}
