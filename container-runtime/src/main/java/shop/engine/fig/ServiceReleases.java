package shop.engine.fig;

import com.github.dockerjava.api.model.Container;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A team's releases of its own service: {@code fig deploy} builds the service, tags its image with
 * the release's version ({@link ReleaseVersion}) beside {@code latest}, pushes both to the stack's
 * registry, rolls it out ({@link RollingDeploy}) and records how it ended ({@link ReleaseHistory}).
 * {@code --rollback} and {@code --to} roll out an earlier version the same way, from the engine's
 * images or else the registry.
 *
 * <p>{@code latest} always names what serves: a rollback points it at the earlier image, and a
 * failed release points it back at the image of the replicas that kept serving, so that
 * {@code fig scale} makes more of what runs. A rollback holds until the next {@code fig up} or
 * {@code fig deploy} builds the service from the work tree again, as {@code kubectl rollout undo}
 * holds until the next apply.
 */
final class ServiceReleases {

    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    private final Stack stack;
    private final ProjectSpec project;
    private final RollingDeploy rolling;

    ServiceReleases(Stack stack, ProjectSpec project, RollingDeploy rolling) {
        this.stack = stack;
        this.project = project;
        this.rolling = rolling;
    }

    /** Builds the service from its sources and releases that build; a service without a build gets a plain rolling deploy. */
    void deploy(String serviceName) {
        ServiceSpec service = project.service(serviceName);
        stack.images().build(service, false);
        String imageId = stack.images().ensure(service, false);
        if (service.build() == null) {
            rolling.roll(service, imageId, null);
            return;
        }
        String serving = servingImage(serviceName);
        ReleaseHistory history = new ReleaseHistory(project, serviceName);
        if (serving != null && history.current().isEmpty()) {
            // What fig up started is the first release: a rollback can return to it.
            String baseline = publish(service, serving);
            history.add(baseline, reference(service, baseline), serving, ReleaseHistory.DEPLOYED, "started by fig up");
        }
        String version = publish(service, imageId);
        stack.images().pushToStackRegistry(service);
        release(service, history, version, imageId, serving, "built from the sources");
    }

    /** Rolls back to the last good release before the one serving. */
    void rollBack(String serviceName) {
        ServiceSpec service = versioned(serviceName);
        ReleaseHistory history = new ReleaseHistory(project, serviceName);
        ReleaseHistory.Release serving = history.current().orElseThrow(() -> new FigException(
                "deploy --rollback " + serviceName + ": no release of it was recorded yet (fig deploy records them)"));
        ReleaseHistory.Release target = history.previous().orElseThrow(() -> new FigException(
                "deploy --rollback " + serviceName + ": no earlier version to roll back to; every release so far was "
                        + serving.version()));
        deployRelease(service, history, target.version(), "rollback from " + serving.version());
    }

    /** Rolls out the given version, which must still be in the engine or the registry. */
    void deployVersion(String serviceName, String version) {
        ServiceSpec service = versioned(serviceName);
        if (!VERSION.matcher(version).matches()) {
            throw new FigException("deploy --to " + version + ": not a version (letters, digits, '_', '.' and '-', at most 128)");
        }
        deployRelease(service, new ReleaseHistory(project, serviceName), version, "deployed with --to");
    }

    /** The service's releases, oldest first, as {@link Stack#releases} shows them. */
    List<List<String>> list(String serviceName) {
        List<ReleaseHistory.Release> releases = new ReleaseHistory(project, versioned(serviceName).name()).list();
        int serving = -1;
        for (int i = 0; i < releases.size(); i++) {
            serving = releases.get(i).deployed() ? i : serving;
        }
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < releases.size(); i++) {
            ReleaseHistory.Release r = releases.get(i);
            rows.add(List.of(r.version(), r.imageId().substring(0, Math.min(19, r.imageId().length())), r.at(), r.by(),
                    (i == serving ? "serving" : r.outcome()) + ": " + r.detail()));
        }
        return rows;
    }

    private ServiceSpec versioned(String serviceName) {
        ServiceSpec service = project.service(serviceName);
        if (service.build() == null) {
            throw new FigException("service " + serviceName + " has no build: its releases are the images its image: names");
        }
        return service;
    }

    private void deployRelease(ServiceSpec service, ReleaseHistory history, String version, String detail) {
        String reference = reference(service, version);
        String imageId = stack.images().imageId(reference);
        if (imageId == null) {
            try {
                stack.images().pull(reference);
            } catch (RuntimeException e) {
                throw new FigException("service " + service.name() + ": release " + version
                        + " is neither in the engine nor in the registry (fig releases " + service.name() + " lists them): "
                        + e.getMessage(), e);
            }
            imageId = stack.images().imageId(reference);
        }
        String serving = servingImage(service.name());
        stack.images().tag(imageId, service.image());
        stack.images().pushToStackRegistry(service);
        release(service, history, version, imageId, serving, detail);
    }

    /** Rolls the release out and records how it ended; a failed one leaves {@code latest} on what still serves. */
    private void release(ServiceSpec service, ReleaseHistory history, String version, String imageId, String serving,
                         String detail) {
        try {
            rolling.roll(service, imageId, version);
        } catch (RuntimeException e) {
            history.add(version, reference(service, version), imageId, ReleaseHistory.FAILED, e.getMessage());
            if (serving != null) {
                try {
                    stack.images().tag(serving, service.image());
                    stack.images().pushToStackRegistry(service);
                } catch (RuntimeException restoring) {
                    e.addSuppressed(restoring);
                }
            }
            throw e;
        }
        history.add(version, reference(service, version), imageId, ReleaseHistory.DEPLOYED, detail);
    }

    /** Tags the image with its version and pushes that tag; returns the version. */
    private String publish(ServiceSpec service, String imageId) {
        String version = ReleaseVersion.ofImage(imageId, stack.images().labels(imageId));
        stack.images().tag(imageId, reference(service, version));
        stack.images().pushToStackRegistry(service, reference(service, version));
        return version;
    }

    private static String reference(ServiceSpec service, String version) {
        return StackImages.repository(service.image()) + ":" + version;
    }

    /** The image the service's running replicas were made of, or null when none runs. */
    private String servingImage(String serviceName) {
        List<Container> running = stack.containers(serviceName, false);
        return running.isEmpty() ? null : running.get(0).getImageId();
    }
}
