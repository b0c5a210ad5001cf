package shop.engine.fig;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.ResponseItem;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import shop.engine.client.StreamedProgress;
import shop.engine.registry.TerminalProgress;

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
    /** Added to every build's args: those of fig watch's rebuilds. */
    private final Map<String, String> buildArgs;

    StackImages(DockerClient docker, ProjectSpec project, StackContainers containers, PrintStream out,
                Map<String, String> buildArgs) {
        this.docker = docker;
        this.project = project;
        this.containers = containers;
        this.out = out;
        this.buildArgs = buildArgs;
    }

    /**
     * Builds when asked to, or when the service has a build and its image is missing or was made
     * of other inputs ({@link BuildInputs}); pulls a missing image of a service without a build.
     */
    String ensure(ServiceSpec service, boolean forceBuild) {
        boolean present = imageId(service.image()) != null;
        if (service.build() != null && (forceBuild || !present
                || !builtOf(service.image(), BuildInputs.fingerprint(service.build().withArgs(buildArgs))))) {
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
        Map<String, String> labels = labels(image);
        return labels != null && inputs.equals(labels.get(BuildInputs.LABEL));
    }

    /** The image's labels, or null when it has none. */
    Map<String, String> labels(String image) {
        var config = docker.inspectImageCmd(image).exec().getConfig();
        return config == null ? null : config.getLabels();
    }

    String imageId(String image) {
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
        ServiceSpec.Build build = service.build().withArgs(buildArgs);
        Map<String, String> labels = new HashMap<>(Map.of(BuildInputs.LABEL, BuildInputs.fingerprint(build)));
        String version = ReleaseVersion.ofSources(build.context());
        if (version != null) {
            labels.put(ReleaseVersion.LABEL, version);
        }
        Path context;
        try {
            context = ContextArchive.write(build);
        } catch (IOException e) {
            throw new FigException("service " + service.name() + ": cannot read the build context " + build.context() + ": "
                    + e.getMessage(), e);
        }
        try (InputStream tar = Files.newInputStream(context)) {
            var cmd = docker.buildImageCmd(tar).withDockerfilePath(build.dockerfile())
                    .withTags(Set.of(service.image())).withNoCache(noCache).withPull(false).withLabels(labels);
            build.args().forEach(cmd::withBuildArg);
            BuildProgress progress = cmd.exec(new BuildProgress(service.name(), out));
            progress.awaitImageId();
            out.println(progress.summary());
        } catch (IOException | RuntimeException e) {
            throw new FigException("service " + service.name() + ": build failed: " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(context);
            } catch (IOException e) {
                out.println("WARNING: could not delete " + context + ": " + e.getMessage());
            }
        }
    }

    /** A pull's or push's layers as the engine's own CLI shows them: bars on a terminal, a line per change otherwise. */
    private <T extends ResponseItem> StreamedProgress<T> transferProgress() {
        return new StreamedProgress<>(new TerminalProgress(out, out == System.out && System.console() != null));
    }

    void pull(ServiceSpec service) {
        pull(service.image());
    }

    /** Pulls an image, from the stack's registry with its account; a NotFoundException when no registry has it. */
    void pull(String reference) {
        out.println("Pulling " + reference + "...");
        try {
            var pull = docker.pullImageCmd(repository(reference)).withTag(tag(reference));
            AuthConfig account = stackRegistryAccount(reference);
            (account == null ? pull : pull.withAuthConfig(account)).exec(transferProgress()).done();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FigException("interrupted while pulling " + reference, e);
        }
    }

    void push(ServiceSpec service) {
        push(service, service.image());
    }

    private void push(ServiceSpec service, String reference) {
        out.println("Pushing " + service.name() + " (" + reference + ")...");
        try {
            var push = docker.pushImageCmd(repository(reference)).withTag(tag(reference));
            AuthConfig account = stackRegistryAccount(reference);
            (account == null ? push : push.withAuthConfig(account)).exec(transferProgress()).done();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FigException("interrupted while pushing " + reference, e);
        } catch (RuntimeException e) {
            throw new FigException("service " + service.name() + ": push of " + reference + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * A built image named {@code localhost:<port>/...} goes to the stack's own registry when a
     * running service of the stack publishes that port: the teams' images are then in the
     * registry as soon as the stack is up.
     */
    void pushToStackRegistry(ServiceSpec service) {
        pushToStackRegistry(service, service.image());
    }

    /** Pushes one reference of a service's image (a release's version tag, say) as above. */
    void pushToStackRegistry(ServiceSpec service, String reference) {
        Matcher local = STACK_REGISTRY_IMAGE.matcher(reference);
        if (service.build() == null || !local.matches()) {
            return;
        }
        String port = local.group(1);
        boolean served = containers.replicas(null, false).stream().anyMatch(c -> Arrays.stream(c.getPorts())
                .anyMatch(p -> p.getPublicPort() != null && String.valueOf(p.getPublicPort()).equals(port)));
        if (served) {
            push(service, reference);
        }
    }

    /** Gives an image one more name, {@code repository:tag}, taken from any image that had it. */
    void tag(String image, String reference) {
        docker.tagImageCmd(image, repository(reference), tag(reference)).withForce().exec();
    }

    /** The image's name without its tag or digest: {@code localhost:5000/shop/catalog} of {@code localhost:5000/shop/catalog:2}. */
    static String repository(String image) {
        int at = image.indexOf('@');
        if (at >= 0) {
            return image.substring(0, at);
        }
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        return colon > slash ? image.substring(0, colon) : image;
    }

    /** The image's tag or digest, {@code latest} when it names neither (as Docker reads it). */
    static String tag(String image) {
        String repository = repository(image);
        return repository.length() == image.length() ? "latest" : image.substring(repository.length() + 1);
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
