package shop.engine.fig;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stack's containers as an engine lists them, found by their compose labels alone, so every
 * command works whoever made them, fig or docker-compose: ordered by service, then number.
 */
final class StackContainers {

    private final DockerClient docker;
    private final ProjectSpec project;

    StackContainers(DockerClient docker, ProjectSpec project) {
        this.docker = docker;
        this.project = project;
    }

    /** One service's containers (all services' when null), one-offs ({@code run}) left out: they are no replicas. */
    List<Container> replicas(String service, boolean all) {
        return withOneOffs(service, all).stream().filter(c -> !ComposeLabels.isOneOff(c.getLabels())).toList();
    }

    /** As {@link #replicas}, one-off containers too. */
    List<Container> withOneOffs(String service, boolean all) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(ComposeLabels.PROJECT, project.name());
        if (service != null) {
            labels.put(ComposeLabels.SERVICE, service);
        }
        List<Container> found = new ArrayList<>(docker.listContainersCmd().withShowAll(all).withLabelFilter(labels).exec());
        found.sort(Comparator.comparing((Container c) -> c.getLabels().getOrDefault(ComposeLabels.SERVICE, ""))
                .thenComparingInt(StackContainers::number));
        return found;
    }

    /** The replicas of the named services (every service's when none is named), stopped ones too. */
    List<Container> of(List<String> services) {
        services.forEach(project::service);
        return replicas(null, true).stream()
                .filter(c -> services.isEmpty() || services.contains(c.getLabels().get(ComposeLabels.SERVICE))).toList();
    }

    /** The service of the file a container belongs to, or null (one docker-compose made from another file). */
    ServiceSpec serviceOf(Container c) {
        String service = c.getLabels().get(ComposeLabels.SERVICE);
        return project.services().stream().filter(s -> s.name().equals(service)).findFirst().orElse(null);
    }

    /** The file's services. */
    List<ServiceSpec> services() {
        return project.services();
    }

    static int number(Container c) {
        try {
            return Integer.parseInt(c.getLabels().getOrDefault(ComposeLabels.NUMBER, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
