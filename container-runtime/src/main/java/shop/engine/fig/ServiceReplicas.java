package shop.engine.fig;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A service's replicas: the containers {@code <project>_<service>_<n>}, numbered from 1, labelled
 * with the configuration hash they were made from.
 */
final class ServiceReplicas {

    private final DockerClient docker;
    private final ProjectSpec project;
    private final StackContainers containers;
    private final ContainerCreation creation;
    private final PrintStream out;

    ServiceReplicas(DockerClient docker, ProjectSpec project, StackContainers containers, ContainerCreation creation,
                    PrintStream out) {
        this.docker = docker;
        this.project = project;
        this.containers = containers;
        this.creation = creation;
        this.out = out;
    }

    /**
     * Brings a service to {@code replicas} running containers: recreates those whose hash or image
     * changed (all or none, as {@code recreate} says), starts stopped ones, adds missing numbers,
     * removes the extra.
     */
    List<String> converge(ServiceSpec service, String imageId, int replicas, Stack.Recreate recreate) {
        List<String> names = new ArrayList<>();
        List<Container> current = containers.replicas(service.name(), true);
        for (Container c : current) {
            if (StackContainers.number(c) > replicas) {
                out.println("Stopping and removing " + Stack.name(c));
                docker.removeContainerCmd(c.getId()).withForce(true).exec();
            }
        }
        for (int n = 1; n <= replicas; n++) {
            int number = n;
            Container existing = current.stream().filter(c -> StackContainers.number(c) == number).findFirst().orElse(null);
            String containerName = service.containerName(project.name(), n);
            boolean changed = existing != null && (!service.configHash().equals(existing.getLabels().get(ComposeLabels.CONFIG_HASH))
                    || !imageId.equals(existing.getImageId()));
            if (existing != null && (recreate == Stack.Recreate.ALWAYS || recreate == Stack.Recreate.CHANGED && changed)) {
                out.println("Recreating " + containerName);
                if ("running".equals(existing.getState())) {
                    // A stopped one: the engine, as Docker, answers a stop with 304, which docker-java throws.
                    docker.stopContainerCmd(existing.getId()).withTimeout(Stack.stopTimeout(service, null)).exec();
                }
                docker.removeContainerCmd(existing.getId()).exec();
                existing = null;
            }
            if (existing == null) {
                out.println("Creating " + containerName);
                create(service, containerName, n);
            } else if ("running".equals(existing.getState())) {
                out.println(containerName + " is up-to-date");
                names.add(containerName);
                continue;
            }
            docker.startContainerCmd(containerName).exec();
            names.add(containerName);
        }
        return names;
    }

    /** Creates one replica, joined to its networks. */
    void create(ServiceSpec service, String containerName, int number) {
        creation.create(service, containerName, ComposeLabels.replica(project, service, number), null, null);
    }
}
