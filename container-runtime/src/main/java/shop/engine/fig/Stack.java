package shop.engine.fig;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Volume;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.io.IOException;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A stack's lifecycle on any Docker Engine API: the containers, networks and volumes of one
 * project, found again by their compose labels, so every command works from the labels alone
 * and the file only says what should be.
 *
 * <p>Names follow Fig: {@code <project>_<service>_<n>} for containers, {@code <project>_<name>}
 * for networks and volumes. {@link #up} makes what is missing and recreates only containers
 * whose configuration hash or image changed, starting services in dependency order and waiting
 * for each dependency's condition (started, healthy, completed) by polling its state, never by
 * sleeping a fixed time.
 */
public final class Stack {

    private static final Duration DEPENDENCY_TIMEOUT = Duration.ofMinutes(5);
    private static final long POLL_MS = 200;
    /** Docker's default grace between the stop signal and SIGKILL. */
    private static final int STOP_TIMEOUT_S = 10;

    private final DockerClient docker;
    private final ProjectSpec project;
    private final PrintStream out;
    private final ContainerCreation creation;

    public Stack(DockerClient docker, ProjectSpec project, PrintStream out) {
        this.docker = docker;
        this.project = project;
        this.out = out;
        this.creation = new ContainerCreation(docker, project, service -> containers(service, false).stream().map(Stack::name).toList());
    }

    public record UpOptions(boolean build, boolean noDeps, boolean noRecreate) {
    }

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
                    awaitCondition(project.service(dependency.getKey()), dependency.getValue());
                }
            }
            String imageId = ensureImage(service, options.build());
            started.addAll(converge(service, imageId, service.replicas(), options.noRecreate()));
        }
        // Last, when the stack's registry (if it has one) is up too.
        services.forEach(this::pushToStackRegistry);
        return started;
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
                pull(service);
            }
        }
    }

    private void pull(ServiceSpec service) {
        out.println("Pulling " + service.name() + " (" + service.image() + ")...");
        try {
            docker.pullImageCmd(service.image()).start().awaitCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FigException("interrupted while pulling " + service.image(), e);
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
            for (Container c : containers(service.name(), false)) {
                awaitCondition(service, service.healthcheck() == null && !hasHealthcheck(c)
                        ? ServiceSpec.Condition.SERVICE_STARTED : ServiceSpec.Condition.SERVICE_HEALTHY);
                for (var p : c.getPorts()) {
                    if (p.getPublicPort() != null) {
                        out.println(service.name() + " is up: http://localhost:" + p.getPublicPort());
                    }
                }
            }
        }
    }

    private boolean hasHealthcheck(Container c) {
        return health(docker.inspectContainerCmd(c.getId()).exec().getState()) != null;
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

    /** Builds when asked to or when the image is missing and the service has a build; pulls when it has none. */
    String ensureImage(ServiceSpec service, boolean forceBuild) {
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

    public void build(ServiceSpec service, boolean noCache) {
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

    /** Pushes the selected services' built images to their registries. */
    public void push(List<String> services) {
        for (ServiceSpec service : select(services, false)) {
            if (service.build() != null) {
                push(service);
            }
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
        boolean served = containers(null, false).stream().anyMatch(c -> java.util.Arrays.stream(c.getPorts())
                .anyMatch(p -> p.getPublicPort() != null && String.valueOf(p.getPublicPort()).equals(port)));
        if (served) {
            push(service);
        }
    }

    // --- containers ---

    /**
     * The services' containers, all or one service's, ordered by service then number; one-off
     * containers ({@code run}) are left out, since they are no replicas. Whoever made them, fig or
     * docker-compose: the labels are the same.
     */
    public List<Container> containers(String service, boolean all) {
        return withOneOffs(service, all).stream().filter(c -> !ComposeLabels.isOneOff(c.getLabels())).toList();
    }

    /** As {@link #containers}, one-off containers too. */
    List<Container> withOneOffs(String service, boolean all) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(ComposeLabels.PROJECT, project.name());
        if (service != null) {
            labels.put(ComposeLabels.SERVICE, service);
        }
        List<Container> found = new ArrayList<>(docker.listContainersCmd().withShowAll(all).withLabelFilter(labels).exec());
        found.sort(Comparator.comparing((Container c) -> c.getLabels().getOrDefault(ComposeLabels.SERVICE, ""))
                .thenComparingInt(Stack::number));
        return found;
    }

    static int number(Container c) {
        try {
            return Integer.parseInt(c.getLabels().getOrDefault(ComposeLabels.NUMBER, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public static String name(Container c) {
        return c.getNames()[0].replaceFirst("^/", "");
    }

    /**
     * Brings a service to {@code replicas} running containers: recreates those whose hash or image
     * changed (unless noRecreate), starts stopped ones, adds missing numbers, removes the extra.
     */
    List<String> converge(ServiceSpec service, String imageId, int replicas, boolean noRecreate) {
        List<String> names = new ArrayList<>();
        List<Container> current = containers(service.name(), true);
        for (Container c : current) {
            if (number(c) > replicas) {
                out.println("Stopping and removing " + name(c));
                docker.removeContainerCmd(c.getId()).withForce(true).exec();
            }
        }
        for (int n = 1; n <= replicas; n++) {
            int number = n;
            Container existing = current.stream().filter(c -> number(c) == number).findFirst().orElse(null);
            String containerName = service.containerName(project.name(), n);
            if (existing != null && !noRecreate && (!service.configHash().equals(existing.getLabels().get(ComposeLabels.CONFIG_HASH))
                    || !imageId.equals(existing.getImageId()))) {
                out.println("Recreating " + containerName);
                docker.stopContainerCmd(existing.getId()).withTimeout(stopTimeout(service, null)).exec();
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

    /** {@code -t} when given, else the service's stop_grace_period, else Docker's 10 s. */
    static int stopTimeout(ServiceSpec service, Integer requested) {
        if (requested != null) {
            return requested;
        }
        return service != null && service.options().stopGraceSeconds() != null ? service.options().stopGraceSeconds() : STOP_TIMEOUT_S;
    }

    // --- waiting ---

    /** Waits until every container of the dependency meets the condition; fails at once when it cannot. */
    private void awaitCondition(ServiceSpec dependency, ServiceSpec.Condition condition) {
        if (condition == ServiceSpec.Condition.SERVICE_STARTED) {
            return;
        }
        long deadline = System.nanoTime() + DEPENDENCY_TIMEOUT.toNanos();
        for (Container c : containers(dependency.name(), true)) {
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
                        throw new FigException("dependency failed to start: container " + name(c) + " is " + (running ? health : "not running"));
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
                    throw new FigException("timed out after " + DEPENDENCY_TIMEOUT.toMinutes() + " min waiting for " + name(c)
                            + " to be " + (condition == ServiceSpec.Condition.SERVICE_HEALTHY ? "healthy" : "completed"));
                }
                sleep(POLL_MS);
            }
        }
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

    /** Stops and removes the containers, then the networks, and with {@code volumes} the volumes. */
    public void down(boolean volumes) {
        List<Container> all = new ArrayList<>(withOneOffs(null, true));
        Collections.reverse(all);
        for (Container c : all) {
            out.println("Stopping and removing " + name(c));
            if ("running".equals(c.getState())) {
                docker.stopContainerCmd(c.getId()).withTimeout(stopTimeout(serviceOf(c), null)).exec();
            }
            docker.removeContainerCmd(c.getId()).withForce(true).exec();
        }
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
        converge(spec, ensureImage(spec, false), replicas, true);
    }

    /** One row per container (one-offs while they run, as compose lists them): name, state, health and published ports. */
    public List<List<String>> ps() {
        List<List<String>> rows = new ArrayList<>();
        for (Container c : withOneOffs(null, true)) {
            if (ComposeLabels.isOneOff(c.getLabels()) && !"running".equals(c.getState())) {
                continue;
            }
            InspectContainerResponse.ContainerState state = docker.inspectContainerCmd(c.getId()).exec().getState();
            // As `docker ps` shows them: an exit code says why it stopped; a health only while it runs.
            boolean running = Boolean.TRUE.equals(state.getRunning());
            String health = running ? health(state) : null;
            String status = "exited".equals(c.getState()) ? "exited (" + state.getExitCodeLong() + ")" : c.getState();
            List<String> ports = new ArrayList<>();
            for (var p : c.getPorts()) {
                ports.add(p.getPublicPort() == null ? p.getPrivatePort() + "/tcp"
                        : p.getIp() + ":" + p.getPublicPort() + "->" + p.getPrivatePort() + "/tcp");
            }
            rows.add(List.of(name(c), status, health == null ? "" : health, String.join(", ", ports)));
        }
        return rows;
    }

    /** The host address of a published port of a service's first (or n-th) container. */
    public String port(String service, int containerPort, int index) {
        project.service(service);
        Container c = containers(service, false).stream().filter(x -> number(x) == index).findFirst()
                .orElseThrow(() -> new FigException("no running container " + index + " of service " + service));
        for (var p : c.getPorts()) {
            if (p.getPrivatePort() != null && p.getPrivatePort() == containerPort && p.getPublicPort() != null) {
                return p.getIp() + ":" + p.getPublicPort();
            }
        }
        throw new FigException("service " + service + " does not publish port " + containerPort);
    }

    /** Stops the containers, each after {@code timeout} seconds at most (null: the service's grace period, else 10). */
    public void stop(List<String> services, Integer timeout) {
        forEachContainer(services, c -> docker.stopContainerCmd(c.getId()).withTimeout(stopTimeout(serviceOf(c), timeout)).exec(),
                "Stopping");
    }

    public void start(List<String> services) {
        forEachContainer(services, c -> docker.startContainerCmd(c.getId()).exec(), "Starting");
    }

    /** Sends the signal ({@link Signals#parse}'s form) to the running containers. */
    public void kill(List<String> services, String signal) {
        for (Container c : selectedContainers(services)) {
            if ("running".equals(c.getState())) {
                out.println("Killing " + name(c));
                docker.killContainerCmd(c.getId()).withSignal(signal).exec();
            }
        }
    }

    /** What {@code rm} removes: the stopped containers, one-offs included, as compose's rm; with stopFirst, all of them. */
    public List<Container> removable(List<String> services, boolean stopFirst) {
        services.forEach(project::service);
        return withOneOffs(null, true).stream()
                .filter(c -> services.isEmpty() || services.contains(c.getLabels().get(ComposeLabels.SERVICE)))
                .filter(c -> stopFirst || !"running".equals(c.getState())).toList();
    }

    /** Removes them, stopping those running first; with volumes, their anonymous volumes too. */
    public void remove(List<Container> containers, boolean volumes) {
        for (Container c : containers) {
            if ("running".equals(c.getState())) {
                out.println("Stopping " + name(c));
                docker.stopContainerCmd(c.getId()).withTimeout(stopTimeout(serviceOf(c), null)).exec();
            }
            out.println("Removing " + name(c));
            docker.removeContainerCmd(c.getId()).withRemoveVolumes(volumes).exec();
        }
    }

    private void forEachContainer(List<String> services, Consumer<Container> action, String verb) {
        for (Container c : selectedContainers(services)) {
            out.println(verb + " " + name(c));
            action.accept(c);
        }
    }

    private List<Container> selectedContainers(List<String> services) {
        services.forEach(project::service);
        return containers(null, true).stream()
                .filter(c -> services.isEmpty() || services.contains(c.getLabels().get(ComposeLabels.SERVICE))).toList();
    }

    /** The service of the file a container belongs to, or null (one docker-compose made from another file). */
    private ServiceSpec serviceOf(Container c) {
        String service = c.getLabels().get(ComposeLabels.SERVICE);
        return project.services().stream().filter(s -> s.name().equals(service)).findFirst().orElse(null);
    }

    /** Replaces the service's replicas one by one with new ones of a freshly built image; see {@link RollingDeploy}. */
    public void deploy(String service) {
        new RollingDeploy(this, docker, project, out).deploy(service);
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
        print(containers(null, false), LogOptions.FOLLOW, colour);
        try {
            Runtime.getRuntime().removeShutdownHook(stopper);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C arrived: the hook is running and stops the containers.
        }
    }

    /** Prints the logs of the selected services' containers; with follow, until they stop. */
    public void logs(List<String> services, LogOptions options, boolean colour) throws InterruptedException {
        print(selectedContainers(services), options, colour);
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
