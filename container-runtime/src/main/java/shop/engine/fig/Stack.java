package shop.engine.fig;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A stack's lifecycle on any Docker Engine API: the containers, networks and volumes of one
 * project, found again by their compose labels, so every command works from the labels alone
 * and the file only says what should be.
 *
 * <p>Names follow Fig: {@code <project>_<service>_<n>} for containers, {@code <project>_<name>}
 * for networks and volumes. {@link #up} makes what is missing and recreates only containers
 * whose configuration hash or image changed, starting services in dependency order and waiting
 * for each dependency's condition (started, healthy, completed) by polling its state, never by
 * sleeping a fixed time. Finding the stack's containers ({@link StackContainers}), its images
 * ({@link StackImages}), the dependencies' conditions ({@link ServiceConditions}) and a service's
 * replicas ({@link ServiceReplicas}) are classes of their own.
 */
public final class Stack {

    /** Docker's default grace between the stop signal and SIGKILL. */
    private static final int STOP_TIMEOUT_S = 10;

    private final DockerClient docker;
    private final ProjectSpec project;
    private final PrintStream out;
    private final ContainerCreation creation;
    private final StackContainers containers;
    private final StackImages images;
    private final ServiceConditions conditions;
    private final ServiceReplicas convergence;

    public Stack(DockerClient docker, ProjectSpec project, PrintStream out) {
        this(docker, project, out, Map.of());
    }

    /** A stack whose builds take these args beside their own, as fig watch's rebuilds do. */
    public Stack(DockerClient docker, ProjectSpec project, PrintStream out, Map<String, String> buildArgs) {
        this.docker = docker;
        this.project = project;
        this.out = out;
        this.containers = new StackContainers(docker, project);
        this.images = new StackImages(docker, project, containers, out, buildArgs);
        this.conditions = new ServiceConditions(docker, containers);
        this.creation = new ContainerCreation(docker, project,
                service -> containers.replicas(service, false).stream().map(Stack::name).toList());
        this.convergence = new ServiceReplicas(docker, project, containers, creation, out);
    }

    /** {@code up}'s options: {@code --build}, {@code --no-deps}, and when a container is made anew. */
    public record UpOptions(boolean build, boolean noDeps, Recreate recreate) {
    }

    /** When {@code up} replaces a running container: when its configuration or image changed, never, or always. */
    public enum Recreate { CHANGED, NEVER, ALWAYS }

    /** What {@code logs} prints of each container: with follow, until it stops; the last tail lines (null: all); times. */
    public record LogOptions(boolean follow, Integer tail, boolean timestamps) {
        static final LogOptions FOLLOW = new LogOptions(true, null, false);
    }

    /**
     * A one-off's differences from the service's containers, as compose's run takes them: a
     * command and an entrypoint (null: the service's), more environment, its dependencies left
     * alone, the service's ports published, a terminal, and removal at the end.
     */
    public record RunOptions(List<String> command, List<String> entrypoint, Map<String, String> environment, boolean noDeps,
                             boolean servicePorts, boolean tty, boolean remove) {
    }

    /** Makes networks and volumes, then each selected service (with its dependencies unless noDeps) in order. */
    public List<String> up(List<String> selected, UpOptions options) {
        createNetworks();
        createVolumes();
        List<ServiceSpec> services = select(selected, !options.noDeps());
        List<String> started = new ArrayList<>();
        for (ServiceSpec service : services) {
            for (Map.Entry<String, ServiceSpec.Condition> dependency : service.dependsOn().entrySet()) {
                if (services.stream().anyMatch(s -> s.name().equals(dependency.getKey())) || options.noDeps()) {
                    conditions.await(project.service(dependency.getKey()), dependency.getValue());
                }
            }
            String imageId = images.ensure(service, options.build());
            started.addAll(convergence.converge(service, imageId, service.replicas(), options.recreate()));
        }
        return started;
    }

    /**
     * Pushes the built images of what {@link #up} started to the stack's own registry, when the
     * stack runs one. Call it once the stack is up: hashing and sending a dozen images took the
     * CPU from the services starting beside it.
     */
    public void pushToStackRegistry(List<String> selected, UpOptions options) {
        select(selected, !options.noDeps()).forEach(images::pushToStackRegistry);
    }

    /** The selected services in start order; with dependencies, everything they need too. */
    List<ServiceSpec> select(List<String> selected, boolean withDependencies) {
        if (selected.isEmpty()) {
            return project.services();
        }
        Set<String> wanted = new HashSet<>();
        List<String> pending = new ArrayList<>(selected);
        while (!pending.isEmpty()) {
            ServiceSpec s = project.service(pending.remove(pending.size() - 1));
            if (wanted.add(s.name()) && withDependencies) {
                pending.addAll(s.dependsOn().keySet());
            }
        }
        return project.services().stream().filter(s -> wanted.contains(s.name())).toList();
    }

    /** The selected services (all when none is named), in start order, without their dependencies. */
    public List<ServiceSpec> select(List<String> selected) {
        return select(selected, false);
    }

    /** Pulls the images of the selected services that are not built here. */
    public void pull(List<String> services) {
        for (ServiceSpec service : select(services, false)) {
            if (service.build() == null) {
                images.pull(service);
            }
        }
    }

    /**
     * Waits until every running container that publishes a fixed host port is healthy (or has no
     * healthcheck), then prints where to reach it: the shop's address once the gateway answers.
     */
    public void announce() {
        for (ServiceSpec service : project.services()) {
            if (!service.publishesFixedPort()) {
                continue;
            }
            awaitReady(service);
            for (Container c : containers(service.name(), false)) {
                for (var p : c.getPorts()) {
                    if (p.getPublicPort() != null) {
                        out.println(service.name() + " is up: http://localhost:" + p.getPublicPort());
                    }
                }
            }
        }
    }

    /** Waits until each running container of the service is healthy, or started when it has no healthcheck. */
    public void awaitReady(ServiceSpec service) {
        for (Container c : containers(service.name(), false)) {
            conditions.await(service, service.healthcheck() == null && !conditions.hasHealthcheck(c)
                    ? ServiceSpec.Condition.SERVICE_STARTED : ServiceSpec.Condition.SERVICE_HEALTHY);
        }
    }

    // --- networks and volumes ---

    private String networkName(String shortName) {
        return project.name() + "_" + shortName;
    }

    void createNetworks() {
        Set<String> existing = new HashSet<>();
        docker.listNetworksCmd().withFilter("label", List.of(ComposeLabels.PROJECT + "=" + project.name())).exec()
                .forEach(n -> existing.add(n.getName()));
        for (String network : project.networks()) {
            if (!existing.contains(networkName(network))) {
                out.println("Creating network " + networkName(network));
                docker.createNetworkCmd().withName(networkName(network)).withDriver("bridge")
                        .withLabels(ComposeLabels.resource(project, ComposeLabels.NETWORK, network)).exec();
            }
        }
    }

    private void createVolumes() {
        for (String volume : project.volumes()) {
            docker.createVolumeCmd().withName(networkName(volume))
                    .withLabels(ComposeLabels.resource(project, ComposeLabels.VOLUME, volume)).exec();
        }
    }

    // --- images ---

    /** Builds a service's image (or says it uses one). */
    public void build(ServiceSpec service, boolean noCache) {
        images.build(service, noCache);
    }

    /** Pushes the selected services' built images to their registries. */
    public void push(List<String> services) {
        for (ServiceSpec service : select(services, false)) {
            if (service.build() != null) {
                images.push(service);
            }
        }
    }

    StackImages images() {
        return images;
    }

    ServiceReplicas replicas() {
        return convergence;
    }

    // --- containers ---

    /**
     * The services' containers, all or one service's, ordered by service then number; one-off
     * containers ({@code run}) are left out, since they are no replicas. Whoever made them, fig or
     * docker-compose: the labels are the same.
     */
    public List<Container> containers(String service, boolean all) {
        return containers.replicas(service, all);
    }

    /** {@code -t} when given, else the service's stop_grace_period, else Docker's 10 s. */
    static int stopTimeout(ServiceSpec service, Integer requested) {
        if (requested != null) {
            return requested;
        }
        return service != null && service.options().stopGraceSeconds() != null ? service.options().stopGraceSeconds() : STOP_TIMEOUT_S;
    }

    public static String name(Container c) {
        return c.getNames()[0].replaceFirst("^/", "");
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FigException("interrupted", e);
        }
    }

    // --- the other commands ---

    /**
     * Stops and removes the containers ({@link DependentsFirst}: together, dependents first), then the
     * networks, and with {@code volumes} the volumes and the record of the releases whose images they held;
     * {@code timeout} as {@link #stop}'s.
     */
    public void down(boolean volumes, Integer timeout) {
        DependentsFirst.apply(containers.withOneOffs(null, true), containers, c -> {
            out.println("Stopping and removing " + Stack.name(c));
            if ("running".equals(c.getState())) {
                docker.stopContainerCmd(c.getId()).withTimeout(stopTimeout(containers.serviceOf(c), timeout)).exec();
            }
            docker.removeContainerCmd(c.getId()).withForce(true).exec();
        });
        for (var network : docker.listNetworksCmd().withFilter("label", List.of(ComposeLabels.PROJECT + "=" + project.name())).exec()) {
            out.println("Removing network " + network.getName());
            docker.removeNetworkCmd(network.getId()).exec();
        }
        if (volumes) {
            for (String volume : project.volumes()) {
                try {
                    docker.removeVolumeCmd(networkName(volume)).exec();
                    out.println("Removing volume " + networkName(volume));
                } catch (NotFoundException e) {
                    // Never created, or removed already: nothing to do.
                }
            }
            ReleaseHistory.forget(project);
        }
    }

    /** Scales a service, refusing more than one replica on a fixed host port as Fig does. */
    public void scale(String service, int replicas) {
        ServiceSpec spec = project.service(service);
        if (replicas < 0) {
            throw new FigException("scale " + service + "=" + replicas + ": the number must be 0 or more");
        }
        if (replicas > 1 && spec.publishesFixedPort()) {
            throw new FigException("service " + service + " publishes a fixed host port, so it cannot run more than one container");
        }
        if (replicas > 1 && spec.options().containerName() != null) {
            throw new FigException("service " + service + " has the fixed name " + spec.options().containerName()
                    + ", so it cannot run more than one container");
        }
        createNetworks();
        convergence.converge(spec, images.ensure(spec, false), replicas, Recreate.NEVER);
    }

    /** One row per container (one-offs while they run, as compose lists them): name, state, health and published ports. */
    public List<List<String>> ps() {
        List<List<String>> rows = new ArrayList<>();
        for (Container c : containers.withOneOffs(null, true)) {
            if (ComposeLabels.isOneOff(c.getLabels()) && !"running".equals(c.getState())) {
                continue;
            }
            InspectContainerResponse.ContainerState state = docker.inspectContainerCmd(c.getId()).exec().getState();
            // As `docker ps` shows them: an exit code says why it stopped; a health only while it runs.
            boolean running = Boolean.TRUE.equals(state.getRunning());
            String health = running ? ServiceConditions.health(state) : null;
            String status = "exited".equals(c.getState()) ? "exited (" + state.getExitCodeLong() + ")" : c.getState();
            List<String> ports = new ArrayList<>();
            for (var p : c.getPorts()) {
                ports.add(p.getPublicPort() == null ? p.getPrivatePort() + "/tcp"
                        : p.getIp() + ":" + p.getPublicPort() + "->" + p.getPrivatePort() + "/tcp");
            }
            rows.add(List.of(Stack.name(c), status, health == null ? "" : health, String.join(", ", ports)));
        }
        return rows;
    }

    /** The host address of a published port of a service's first (or n-th) container. */
    public String port(String service, int containerPort, int index) {
        project.service(service);
        Container c = containers.replicas(service, false).stream().filter(x -> StackContainers.number(x) == index).findFirst()
                .orElseThrow(() -> new FigException("no running container " + index + " of service " + service));
        for (var p : c.getPorts()) {
            if (p.getPrivatePort() != null && p.getPrivatePort() == containerPort && p.getPublicPort() != null) {
                return p.getIp() + ":" + p.getPublicPort();
            }
        }
        throw new FigException("service " + service + " does not publish port " + containerPort);
    }

    /**
     * Stops the containers ({@link DependentsFirst}: together, dependents first), each after
     * {@code timeout} seconds at most (null: the service's grace period, else 10).
     */
    public void stop(List<String> services, Integer timeout) {
        DependentsFirst.apply(containers.of(services), containers, c -> {
            out.println("Stopping " + Stack.name(c));
            docker.stopContainerCmd(c.getId()).withTimeout(stopTimeout(containers.serviceOf(c), timeout)).exec();
        });
    }

    public void start(List<String> services) {
        for (Container c : containers.of(services)) {
            out.println("Starting " + Stack.name(c));
            docker.startContainerCmd(c.getId()).exec();
        }
    }

    /** Sends the signal ({@link Signals#parse}'s form) to the running containers, dependents first. */
    public void kill(List<String> services, String signal) {
        DependentsFirst.apply(containers.of(services).stream().filter(c -> "running".equals(c.getState())).toList(), containers, c -> {
            out.println("Killing " + Stack.name(c));
            docker.killContainerCmd(c.getId()).withSignal(signal).exec();
        });
    }

    /** What {@code rm} removes: the stopped containers, one-offs included, as compose's rm; with stopFirst, all of them. */
    public List<Container> removable(List<String> services, boolean stopFirst) {
        services.forEach(project::service);
        return containers.withOneOffs(null, true).stream()
                .filter(c -> services.isEmpty() || services.contains(c.getLabels().get(ComposeLabels.SERVICE)))
                .filter(c -> stopFirst || !"running".equals(c.getState())).toList();
    }

    /** Removes them, stopping those running first ({@link DependentsFirst}); with volumes, their anonymous volumes too. */
    public void remove(List<Container> chosen, boolean volumes) {
        DependentsFirst.apply(chosen, containers, c -> {
            if ("running".equals(c.getState())) {
                out.println("Stopping " + Stack.name(c));
                docker.stopContainerCmd(c.getId()).withTimeout(stopTimeout(containers.serviceOf(c), null)).exec();
            }
            out.println("Removing " + Stack.name(c));
            docker.removeContainerCmd(c.getId()).withRemoveVolumes(volumes).exec();
        });
    }

    /**
     * Builds the service and releases it with no failed request, after a canary of that length
     * (zero: none) when the stack has a Prometheus; see {@link ServiceReleases} and {@link Canary}.
     */
    public void deploy(String service, Duration canary) {
        releases(canary).deploy(service);
    }

    /** Rolls the service back to its last good release before the one serving. */
    public void rollBack(String service, Duration canary) {
        releases(canary).rollBack(service);
    }

    /** Rolls out an earlier release of the service, by its version. */
    public void deploy(String service, String version, Duration canary) {
        releases(canary).deployVersion(service, version);
    }

    /** The service's releases, oldest first: version, image, when, by whom, outcome (the one serving says so). */
    public List<List<String>> releases(String service) {
        return releases(Duration.ZERO).list(service);
    }

    private ServiceReleases releases(Duration canary) {
        return new ServiceReleases(this, project, new RollingDeploy(this, docker, project, out, canary));
    }

    /**
     * Streams the logs of every running container until they all stop; Ctrl-C (the JVM's
     * shutdown) stops them first, as Fig's foreground {@code up} does.
     */
    public void attach(boolean colour) throws InterruptedException {
        Thread stopper = new Thread(() -> {
            out.println("Gracefully stopping...");
            stop(List.of(), null);
        }, "fig-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        print(containers.replicas(null, false), LogOptions.FOLLOW, colour);
        try {
            Runtime.getRuntime().removeShutdownHook(stopper);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C arrived: the hook is running and stops the containers.
        }
    }

    /** Prints the logs of the selected services' containers; with follow, until they stop. */
    public void logs(List<String> services, LogOptions options, boolean colour) throws InterruptedException {
        print(containers.of(services), options, colour);
    }

    private void print(List<Container> containers, LogOptions options, boolean colour) throws InterruptedException {
        try (LogPrinter printer = new LogPrinter(docker, out, colour)) {
            printer.follow(containers, options);
            printer.await();
        } catch (IOException e) {
            throw new FigException("following logs: " + e.getMessage(), e);
        }
    }

    /** A one-off container of a service; see {@link OneOffs#run}. Returns its exit code. */
    public int run(String service, RunOptions options) throws InterruptedException {
        return new OneOffs(this, docker, project, creation, out).run(service, options);
    }

    /**
     * Runs a command in a service's running container (the index-th); returns its exit code. With
     * {@code tty} it runs on the user's terminal, typed into (compose's exec without -T).
     */
    public int exec(String service, int index, List<String> command, boolean tty) throws InterruptedException {
        return new OneOffs(this, docker, project, creation, out).exec(service, index, command, tty);
    }
}
