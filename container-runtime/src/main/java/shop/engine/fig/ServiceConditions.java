package shop.engine.fig;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import java.time.Duration;

/**
 * The conditions of {@code depends_on}, read from the engine: a service is started, healthy, or
 * completed successfully. Waiting polls the containers' state, never sleeping a fixed time, and
 * fails at once when the condition can no longer be met.
 */
final class ServiceConditions {

    private static final Duration DEPENDENCY_TIMEOUT = Duration.ofMinutes(5);
    private static final long POLL_MS = 200;

    private final DockerClient docker;
    private final StackContainers containers;

    ServiceConditions(DockerClient docker, StackContainers containers) {
        this.docker = docker;
        this.containers = containers;
    }

    /**
     * The container's health status, or null when it has no healthcheck. Docker leaves
     * {@code State.Health} out then, but Podman before 5.0 sends {@code "Health": {"Status": ""}}
     * (containers/podman#18792), which must not read as a healthcheck that never passes.
     */
    static String health(InspectContainerResponse.ContainerState state) {
        String status = state.getHealth() == null ? null : state.getHealth().getStatus();
        return status == null || status.isEmpty() ? null : status;
    }

    boolean hasHealthcheck(Container c) {
        return health(docker.inspectContainerCmd(c.getId()).exec().getState()) != null;
    }

    /** Waits until every container of the dependency meets the condition; fails at once when it cannot. */
    void await(ServiceSpec dependency, ServiceSpec.Condition condition) {
        if (condition == ServiceSpec.Condition.SERVICE_STARTED) {
            return;
        }
        long deadline = System.nanoTime() + DEPENDENCY_TIMEOUT.toNanos();
        for (Container c : containers.replicas(dependency.name(), true)) {
            while (true) {
                InspectContainerResponse.ContainerState state = docker.inspectContainerCmd(c.getId()).exec().getState();
                String health = health(state);
                boolean running = Boolean.TRUE.equals(state.getRunning());
                if (condition == ServiceSpec.Condition.SERVICE_HEALTHY) {
                    if (health == null) {
                        throw new FigException("service " + dependency.name() + " has no healthcheck, so service_healthy cannot be met");
                    }
                    // Running first: Podman keeps a stopped container's last status, "healthy" included.
                    if ("unhealthy".equals(health) || !running) {
                        throw new FigException("dependency failed to start: container " + Stack.name(c) + " is "
                                + (running ? health : "not running"));
                    }
                    if ("healthy".equals(health)) {
                        break;
                    }
                } else if (!running) {
                    Long code = state.getExitCodeLong();
                    if (code != null && code == 0) {
                        break;
                    }
                    throw new FigException("service " + dependency.name() + " did not complete successfully: exit " + code);
                }
                if (System.nanoTime() > deadline) {
                    throw new FigException("timed out after " + DEPENDENCY_TIMEOUT.toMinutes() + " min waiting for "
                            + Stack.name(c) + " to be " + (condition == ServiceSpec.Condition.SERVICE_HEALTHY ? "healthy" : "completed"));
                }
                Stack.sleep(POLL_MS);
            }
        }
    }
}
