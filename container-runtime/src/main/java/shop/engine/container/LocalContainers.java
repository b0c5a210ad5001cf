package shop.engine.container;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import shop.engine.event.EngineEvents;
import shop.engine.image.BaseImages;
import shop.engine.image.ContainerConfig;
import shop.engine.image.Image;
import shop.engine.network.Endpoint;
import shop.engine.network.NetworkService;
import shop.engine.network.PortProxy;
import shop.engine.runtime.Cgroups;
import shop.engine.runtime.OciRuntime;
import shop.engine.runtime.ResourceUsage;
import shop.engine.snapshot.Change;
import shop.engine.snapshot.Layer;
import shop.engine.snapshot.Snapshotter;
import shop.engine.support.EngineException;
import shop.engine.support.FileTrees;
import shop.engine.support.HostCommands;
import shop.engine.task.Task;
import shop.engine.task.Tasks;

/**
 * {@link ContainerService} on an overlay {@link Snapshotter}, each container's process a task
 * ({@link Tasks}): the lifecycle. The stored records ({@link ContainerRecords}), the bundle ({@link ContainerBundles}),
 * health checks ({@link HealthChecks}), terminals ({@link ContainerTerminals}) and file access
 * ({@link ContainerFiles}) are their own classes; this one decides when each happens, under one lock.
 */
public final class LocalContainers implements ContainerService {

    private static final long POLL_MS = 20;
    /** The files the engine binds into every container. */
    private static final List<String> ENGINE_FILES = List.of("/etc/hosts", "/etc/hostname", "/etc/resolv.conf");
    /** How precise log timestamps are. */
    private static final long LOG_TICK_MS = 100;

    private final ContainerRecords records;
    private final BaseImages images;
    private final Snapshotter snapshots;
    private final Tasks tasks;
    private final NetworkService networks;
    private final PortProxy ports;
    private final Volumes volumes;
    private final EngineEvents events;
    private final ContainerCreation creation;
    private final HealthChecks health;
    private final ScheduledExecutorService supervisor = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "container-supervisor");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Object> watched = new ConcurrentHashMap<>();
    private final ContainerStdin stdins = new ContainerStdin();
    private final ContainerTerminals terminals = new ContainerTerminals();
    /** The log streams of the containers this engine watches, noted on every tick (see LogFile). */
    private final Map<String, List<LogFile>> logClocks = new ConcurrentHashMap<>();
    /** Exit codes of auto-removed containers, for a client waiting on condition "removed". */
    private final Map<String, Integer> lastExitCodes = new ConcurrentHashMap<>();
    /** Notified whenever a watched container exits, so waiters need not sleep a whole poll interval. */
    private final Object exitSignal = new Object();

    public LocalContainers(Path root, BaseImages images, Snapshotter snapshots, Tasks tasks,
                           NetworkService networks, PortProxy ports, Volumes volumes, EngineEvents events) {
        this.records = new ContainerRecords(root);
        this.images = images;
        this.snapshots = snapshots;
        this.tasks = tasks;
        this.networks = networks;
        this.ports = ports;
        this.volumes = volumes;
        this.events = events;
        this.creation = new ContainerCreation(records, images, snapshots, tasks, networks, volumes,
                new ContainerBundles(tasks, networks, volumes));
        this.health = new HealthChecks(new HealthChecks.Target() {
            @Override
            public int probe(String id, List<String> cmd, Duration timeout) {
                return probeExec(id, cmd, timeout);
            }

            @Override
            public void record(String id, HealthChecks.Outcome outcome) {
                recordHealth(id, outcome);
            }
        });
        supervisor.scheduleAtFixedRate(() -> logClocks.keySet().forEach(this::tickLogs),
                LOG_TICK_MS, LOG_TICK_MS, TimeUnit.MILLISECONDS);
    }

    private void tickLogs(String id) {
        logClocks.getOrDefault(id, List.of()).forEach(LogFile::tick);
    }

    /** Docker's event for a container, with its name, image and labels as attributes. */
    private void publish(Container c, String action, Map<String, String> extra) {
        Map<String, String> attributes = new LinkedHashMap<>();
        if (c.config().labels() != null) {
            attributes.putAll(c.config().labels());
        }
        attributes.put("image", c.imageName());
        attributes.put("name", c.name());
        attributes.putAll(extra);
        events.publish("container", action, c.id(), attributes);
    }

    @Override
    public Container create(CreateRequest request) {
        ContainerCreation.Prepared prepared = creation.prepare(request);
        Container container;
        synchronized (this) {
            container = creation.make(prepared, layers(prepared.image()));
        }
        publish(container, "create", Map.of());
        return container;
    }

    private static boolean notEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    private List<Layer> layers(Image image) {
        return Layer.of(image, images.store().content());
    }

    /** The container's snapshot, mounted again if a reboot (or anything else) took the mount away. */
    private Path rootfs(Container c) {
        return tasks.mount(c.id(), layers(images.store().resolve(c.imageId())));
    }

    // --- start, stop, exit ---

    @Override
    public void start(String idOrName) {
        Container c;
        synchronized (this) {
            c = refresh(records.find(idOrName));
            if (c.state().running()) {
                return;
            }
            if (c.state().status().equals("exited")) {
                tasks.delete(c.id());
            }
            try {
                launch(c);
            } catch (EngineException e) {
                // As Docker's: a --rm container that cannot start is not left behind.
                if (c.hostConfig().autoRemove()) {
                    remove(c.id(), true, true);
                }
                throw e;
            }
        }
        publish(c, "start", Map.of());
    }

    private void launch(Container c) {
        Path dir = records.dir(c.id());
        rootfs(c);
        if (c.hostConfig().joinsNetwork()) {
            networks.attach(c.id());
        }
        // Ports first: a taken host port fails the start before anything runs.
        List<PortProxy.Binding> published = openPorts(c, c.hostConfig().publishedPorts(c.config().exposedPorts()));
        Task task;
        try {
            boolean tty = c.config().hasTerminal();
            // On a terminal, the terminal is the stdin too.
            Path stdin = !tty && Boolean.TRUE.equals(c.config().openStdin()) ? stdins.open(c.id(), dir) : null;
            task = tasks.start(c.id(), dir.resolve("bundle"), stdin, dir.resolve("stdout.log"), dir.resolve("stderr.log"), tty);
            task.console().ifPresent(console -> terminals.hold(c.id(), console, dir.resolve("stdout.log")));
        } catch (RuntimeException e) {
            stdins.close(c.id());
            ports.close(c.id());
            tasks.delete(c.id());
            throw e;
        }
        Container running = c.withState(c.state().withRunning(task.pid(), Instant.now().toString(),
                HealthChecks.checks(c.config()))).withPorts(published);
        records.save(running);
        watch(running, task);
        health.schedule(running);
    }

    /** Opens the published ports towards the container's address on its primary network. */
    private List<PortProxy.Binding> openPorts(Container c, List<PortProxy.Binding> wanted) {
        if (wanted.isEmpty() || !c.hostConfig().joinsNetwork()) {
            return List.of();
        }
        Endpoint endpoint = networks.endpoints(c.id()).get(c.hostConfig().networkMode());
        return endpoint == null ? List.of() : ports.open(c.id(), wanted, endpoint.ipAddress());
    }

    private void watch(Container c, Task task) {
        Object token = new Object();
        watched.put(c.id(), token);
        Path dir = records.dir(c.id());
        logClocks.put(c.id(), List.of(new LogFile(dir, "stdout"), new LogFile(dir, "stderr")));
        task.exit().thenCompose(code -> terminals.drained(c.id()).thenApply(drained -> code))
                .thenAcceptAsync(code -> exited(c.id(), token, code), supervisor);
    }

    /**
     * The container's init is gone: record the exit (255 when its status was lost with an earlier
     * engine process, as Docker reports it), then apply the restart policy.
     */
    private synchronized void exited(String id, Object token, Integer code) {
        if (watched.get(id) != token) {
            return;
        }
        tickLogs(id);
        logClocks.remove(id);
        Container c = records.findOrNull(id);
        if (c == null) {
            watched.remove(id);
            return;
        }
        ports.close(id);
        stdins.close(id);
        terminals.close(id);
        Container done = c.withState(c.state().withExited(code == null ? 255 : code, Instant.now().toString()))
                .withPorts(List.of());
        // Saved before the watch ends, so nobody reads the exit from a record that still says running.
        records.save(done);
        watched.remove(id);
        health.stop(id);
        tasks.delete(id);
        publish(done, "die", Map.of("exitCode", String.valueOf(done.state().exitCode())));
        if (done.state().stoppedByUser()) {
            publish(done, "stop", Map.of());
        }
        HostConfig.RestartPolicy policy = done.hostConfig().restartPolicy();
        if (policy.restarts(done.state().exitCode(), done.state().restartCount(), done.state().stoppedByUser())) {
            long delay = Math.min(100L << Math.min(done.state().restartCount(), 6), 5_000);
            supervisor.schedule(() -> restartByPolicy(id), delay, TimeUnit.MILLISECONDS);
        } else if (done.hostConfig().autoRemove()) {
            lastExitCodes.put(id, done.state().exitCode());
            remove(id, true, true);
        }
        synchronized (exitSignal) {
            exitSignal.notifyAll();
        }
    }

    /** Sleeps until some container exits or the poll interval passes (a container another process watches). */
    private void awaitAnyExit() {
        synchronized (exitSignal) {
            try {
                exitSignal.wait(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw EngineException.failed("interrupted", e);
            }
        }
    }

    private synchronized void restartByPolicy(String id) {
        Container c = records.findOrNull(id);
        if (c != null && !c.state().running() && !c.state().stoppedByUser()) {
            launch(c.withState(c.state().withRestart()));
            publish(c, "restart", Map.of());
        }
    }

    @Override
    public void stop(String idOrName, int timeoutSeconds) {
        Container c;
        synchronized (this) {
            c = refresh(records.find(idOrName));
            records.save(c.withState(c.state().withStoppedByUser()));
            if (!c.state().running()) {
                return;
            }
            signal(c, c.config().stopSignal() == null ? "SIGTERM" : c.config().stopSignal());
        }
        if (!awaitExit(c.id(), timeoutSeconds < 0 ? Long.MAX_VALUE : timeoutSeconds * 1000L)) {
            signal(c, "SIGKILL");
            if (!awaitExit(c.id(), 10_000)) {
                // Docker's answer too: a stop that returned now would let the next remove meet "running".
                throw EngineException.failed("stop " + c.shortId() + ": tried to kill the container, but its init "
                        + c.state().pid() + " did not exit within 10 s", null);
            }
        }
    }

    @Override
    public void restart(String idOrName, int timeoutSeconds) {
        Container c = records.find(idOrName);
        stop(c.id(), timeoutSeconds);
        start(c.id());
        publish(c, "restart", Map.of());
    }

    @Override
    public void kill(String idOrName, String signal) {
        Container c = refresh(records.find(idOrName));
        if (!c.state().running()) {
            throw EngineException.conflict("Container " + c.shortId() + " is not running");
        }
        String chosen = signal == null || signal.isEmpty() ? "SIGKILL" : signal;
        signal(c, chosen);
        publish(c, "kill", Map.of("signal", chosen));
    }

    /**
     * Sends a signal; a paused container is thawed after it, as Docker does, or the signal would
     * wait for an unpause nobody sends.
     */
    private void signal(Container c, String signal) {
        String normalized = signal.matches("\\d+") ? signal : (signal.startsWith("SIG") ? signal : "SIG" + signal);
        try {
            tasks.kill(c.id(), normalized);
            if (c.state().paused()) {
                unpause(c.id());
            }
        } catch (EngineException e) {
            // It may have exited between the check and the signal (its record catches up once the
            // exit is noted): only a container whose init still runs is an error.
            if (Tasks.running(c.state().pid(), Instant.parse(c.state().startedAt()))) {
                throw e;
            }
        }
    }

    @Override
    public synchronized void pause(String idOrName) {
        Container c = refresh(records.find(idOrName));
        if (!c.state().running()) {
            throw EngineException.conflict("Container " + c.shortId() + " is not running");
        }
        if (c.state().paused()) {
            throw EngineException.conflict("Container " + c.shortId() + " is already paused");
        }
        tasks.pause(c.id());
        records.save(c.withState(c.state().withPaused(true)));
        publish(c, "pause", Map.of());
    }

    @Override
    public synchronized void unpause(String idOrName) {
        Container c = refresh(records.find(idOrName));
        if (!c.state().paused()) {
            throw EngineException.conflict("Container " + c.shortId() + " is not paused");
        }
        tasks.resume(c.id());
        records.save(c.withState(c.state().withPaused(false)));
        publish(c, "unpause", Map.of());
    }

    @Override
    public synchronized void rename(String idOrName, String newName) {
        if (newName == null || newName.isEmpty()) {
            throw EngineException.invalid("name: the new name is required");
        }
        String name = newName.replaceFirst("^/", "");
        ContainerCreation.checkName(name);
        Container c = records.find(idOrName);
        if (c.name().equals(name)) {
            throw EngineException.conflict("Renaming a container with the same name as its current name");
        }
        if (records.findOrNull(name) != null) {
            throw EngineException.conflict("Conflict. The container name \"/" + name + "\" is already in use");
        }
        records.save(c.withName(name));
        networks.rename(c.id(), name);
        publish(c.withName(name), "rename", Map.of("oldName", "/" + c.name()));
    }

    private boolean awaitExit(String id, long millis) {
        long deadline = millis == Long.MAX_VALUE ? Long.MAX_VALUE : System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            Container c = records.findOrNull(id);
            if (c == null || !refresh(c).state().running()) {
                return true;
            }
            awaitAnyExit();
        }
        return false;
    }

    @Override
    public int await(String idOrName, WaitCondition condition) {
        Container first = refresh(records.find(idOrName));
        String id = first.id();
        String finishedBefore = first.state().finishedAt();
        while (true) {
            Container c = records.findOrNull(id);
            if (c == null) {
                Integer last = lastExitCodes.get(id);
                if (condition == WaitCondition.REMOVED && last != null) {
                    return last;
                }
                throw EngineException.notFound("No such container: " + idOrName);
            }
            c = refresh(c);
            boolean settled = !c.state().running() && watched.get(id) == null && !restartPending(c);
            boolean exitedSince = c.state().status().equals("exited")
                    && !Objects.equals(c.state().finishedAt(), finishedBefore);
            boolean done = switch (condition) {
                case NOT_RUNNING -> settled;
                case NEXT_EXIT -> settled && exitedSince;
                case REMOVED -> false;
            };
            if (done) {
                return c.state().exitCode();
            }
            awaitAnyExit();
        }
    }

    private boolean restartPending(Container c) {
        ContainerState s = c.state();
        return s.status().equals("exited")
                && c.hostConfig().restartPolicy().restarts(s.exitCode(), s.restartCount(), s.stoppedByUser());
    }

    @Override
    public void remove(String idOrName, boolean force, boolean removeVolumes) {
        Container c = refresh(records.find(idOrName));
        if (c.state().running()) {
            if (!force) {
                throw EngineException.conflict("You cannot remove a running container " + c.shortId()
                        + ". Stop the container before attempting removal or force remove");
            }
            synchronized (this) {
                records.save(c.withState(c.state().withStoppedByUser()));
            }
            signal(c, "SIGKILL");
            awaitExit(c.id(), 10_000);
        }
        synchronized (this) {
            watched.remove(c.id());
            health.stop(c.id());
            terminals.close(c.id());
            ports.close(c.id());
            tasks.delete(c.id());
            networks.release(c.id());
            snapshots.remove(c.id());
            FileTrees.deleteOrFail(records.dir(c.id()), "remove container " + c.shortId());
            if (removeVolumes) {
                removeAnonymousVolumes(c);
            }
        }
        publish(c, "destroy", Map.of());
    }

    /** Docker's {@code rm -v}: the volumes made for this container alone go with it, unless another container mounts them. */
    private void removeAnonymousVolumes(Container c) {
        List<Container> others = records.all();
        for (MountPoint m : c.mounts()) {
            if (m.anonymous() && volumes.exists(m.name()) && Volumes.users(m.name(), others).isEmpty()) {
                volumes.remove(m.name(), List.of());
            }
        }
    }

    @Override
    public Container inspect(String idOrName) {
        return refresh(records.find(idOrName));
    }

    @Override
    public List<Container> list(boolean all) {
        List<Container> result = new ArrayList<>();
        for (Container c : records.all()) {
            Container now = refresh(c);
            if (all || now.state().running()) {
                result.add(now);
            }
        }
        result.sort((a, b) -> b.created().compareTo(a.created()));
        return result;
    }

    @Override
    public void logs(String idOrName, LogOptions options, OutputStream stdout, OutputStream stderr) {
        Container c = records.find(idOrName);
        Path dir = records.dir(c.id());
        // A terminal's output is passed on as it comes: a prompt, or an echo, ends no line.
        boolean partial = c.config().hasTerminal();
        try (LogFile.Reader out = new LogFile(dir, "stdout").new Reader(options.tail(), options.since());
             LogFile.Reader err = new LogFile(dir, "stderr").new Reader(options.tail(), options.since())) {
            while (true) {
                // An auto-removed container vanishes when it exits: its open files still hold its output.
                Container now = options.follow() ? records.findOrNull(c.id()) : null;
                boolean running = now != null && refresh(now).state().running();
                long shown = terminals.copied(c.id());
                do {
                    LogFile.write(out.read(!running || partial), err.read(!running || partial), stdout, stderr, options.timestamps());
                } while (!out.caughtUp() || !err.caughtUp());
                if (!running) {
                    return;
                }
                terminals.awaitOutput(c.id(), shown, POLL_MS * 5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.failed("logs of " + c.shortId() + ": interrupted", e);
        } catch (IOException e) {
            throw EngineException.failed("logs of " + c.shortId() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void attachStdin(String idOrName, InputStream in) {
        Container c = records.find(idOrName);
        if (c.config().hasTerminal()) {
            terminals.feed(c.id(), in);
        } else {
            stdins.feed(c.id(), in, Boolean.TRUE.equals(c.config().stdinOnce()));
        }
    }

    @Override
    public void resize(String idOrName, int rows, int cols) {
        Container c = refresh(records.find(idOrName));
        if (!c.config().hasTerminal()) {
            throw EngineException.invalid("resize " + c.shortId() + ": the container was not created with a TTY");
        }
        if (!c.state().running()) {
            throw EngineException.conflict("resize " + c.shortId() + ": the container is not running");
        }
        terminals.resize(c.id(), rows, cols);
    }

    @Override
    public int exec(String idOrName, ExecRequest request, InputStream stdin, OutputStream stdout, OutputStream stderr,
                    OciRuntime.ExecTerminal terminal) {
        return exec(idOrName, request, stdin, stdout, stderr, null, terminal);
    }

    private int exec(String idOrName, ExecRequest request, InputStream stdin, OutputStream stdout, OutputStream stderr,
                     Duration timeout, OciRuntime.ExecTerminal terminal) {
        Container c = refresh(records.find(idOrName));
        if (!c.state().running()) {
            throw EngineException.conflict("Container " + c.shortId() + " is not running");
        }
        if (c.state().paused()) {
            throw EngineException.conflict("Container " + c.shortId() + " is paused, unpause the container before exec");
        }
        if (request.cmd() == null || request.cmd().isEmpty()) {
            throw EngineException.invalid("exec: no command specified");
        }
        String workdir = notEmpty(request.workingDir()) ? request.workingDir() : c.config().workingDir();
        if (!workdir.startsWith("/")) {
            throw EngineException.invalid("WorkingDir: \"" + workdir + "\" must be an absolute path");
        }
        Path dir = records.dir(c.id());
        List<String> env = ContainerConfig.mergeEnv(ContainerConfig.mergeEnv(c.config().env(),
                List.of("HOSTNAME=" + EtcFiles.hostnameOf(dir, c))), request.env());
        Tasks.Exec exec = new Tasks.Exec(request.cmd(), env, workdir, notEmpty(request.user()) ? request.user() : c.config().user(),
                c.hostConfig().groupAdd(), request.privileged());
        return tasks.exec(c.id(), dir.resolve("bundle"), exec, stdin, stdout, stderr, timeout, terminal);
    }

    @Override
    public synchronized void connect(String idOrName, String network, List<String> aliases) {
        Container c = records.find(idOrName);
        if (!c.hostConfig().joinsNetwork()) {
            throw EngineException.conflict("container " + c.name() + " runs with network mode \"" + c.hostConfig().networkMode()
                    + "\" and cannot be connected to networks");
        }
        networks.connect(network, c.id(), c.name(), aliases == null ? List.of() : aliases,
                EtcFiles.hostsOf(records.dir(c.id()), c));
    }

    @Override
    public synchronized void disconnect(String idOrName, String network) {
        networks.disconnect(network, records.find(idOrName).id());
    }

    // --- what a running container does and holds ---

    @Override
    public Processes top(String idOrName, String psArgs) {
        Container c = running(idOrName);
        List<Long> pids = Cgroups.processes(c.id());
        List<String> args = new ArrayList<>(List.of("ps"));
        args.addAll(List.of((psArgs == null || psArgs.isBlank() ? "-ef" : psArgs).strip().split("\\s+")));
        String output;
        try {
            output = HostCommands.run(args, null, "top of " + c.shortId());
        } catch (EngineException e) {
            throw EngineException.invalid("top: ps " + String.join(" ", args.subList(1, args.size())) + ": " + e.getMessage());
        }
        return ProcessTable.parse(output, pids);
    }

    @Override
    public ResourceUsage stats(String idOrName) {
        Container c = refresh(records.find(idOrName));
        if (!c.state().running()) {
            return null;
        }
        return Cgroups.usage(c.id(), c.state().pid());
    }

    private Container running(String idOrName) {
        Container c = refresh(records.find(idOrName));
        if (!c.state().running()) {
            throw EngineException.conflict("Container " + c.shortId() + " is not running");
        }
        return c;
    }

    // --- files ---

    private ContainerFiles files(Container c) {
        return ContainerFiles.of(refresh(c), rootfs(c), volumes);
    }

    @Override
    public List<Change> changes(String idOrName) {
        Container c = records.find(idOrName);
        rootfs(c);
        // The runtime makes the mount points of the engine's own /etc files when the image has none:
        // not the container's doing, so not its changes (Docker keeps them in a layer of their own).
        return snapshots.changes(c.id(), layers(images.store().resolve(c.imageId()))).stream()
                .filter(change -> !(change.kind() == Change.ADDED && ENGINE_FILES.contains(change.path())))
                .toList();
    }

    @Override
    public void export(String idOrName, OutputStream tar) {
        Container c = records.find(idOrName);
        files(c).export(tar);
        publish(c, "export", Map.of());
    }

    @Override
    public PathStat stat(String idOrName, String path) {
        return files(records.find(idOrName)).stat(path);
    }

    @Override
    public void copyOut(String idOrName, String path, OutputStream tar) {
        Container c = records.find(idOrName);
        files(c).copyOut(path, tar);
        publish(c, "archive-path", Map.of());
    }

    @Override
    public void copyIn(String idOrName, String path, InputStream tar, boolean noOverwriteDirNonDir) {
        Container c = records.find(idOrName);
        files(c).copyIn(path, tar, noOverwriteDirNonDir, records.dir(c.id()).resolve("archive.tar"));
        publish(c, "extract-to-dir", Map.of());
    }

    @Override
    public Image commit(String idOrName, CommitRequest request) {
        Container c = refresh(records.find(idOrName));
        boolean freeze = request.pause() && c.state().running() && !c.state().paused();
        if (freeze) {
            tasks.pause(c.id());
        }
        Image image;
        try {
            image = new Commits(images.store(), snapshots).commit(c, images.store().resolve(c.imageId()), request);
        } finally {
            if (freeze) {
                tasks.resume(c.id());
            }
        }
        publish(c, "commit", Map.of("comment", request.comment() == null ? "" : request.comment()));
        return image;
    }

    // --- supervision ---

    @Override
    public synchronized void recover() {
        for (Container c : list(true)) {
            if (!c.state().running() && restartPending(c) && watched.get(c.id()) == null && c.state().finishedAt() != null) {
                supervisor.schedule(() -> restartByPolicy(c.id()), 0, TimeUnit.MILLISECONDS);
            }
            if (c.state().running() && watched.get(c.id()) == null) {
                // The same host ports as before the engine went away; clients may hold them.
                openPorts(c, c.ports());
                watch(c, tasks.adopt(c.id(), c.state().pid(), Instant.parse(c.state().startedAt())));
                health.schedule(c);
            }
        }
    }

    @Override
    public void close() {
        supervisor.shutdownNow();
        health.close();
        ports.closeAll();
    }

    /** Runs a healthcheck's command with its timeout; one that cannot run fails. */
    private int probeExec(String id, List<String> cmd, Duration timeout) {
        Container c = records.findOrNull(id);
        if (c == null || !refresh(c).state().running()) {
            return 1;
        }
        ByteArrayOutputStream ignored = new ByteArrayOutputStream();
        try {
            return exec(id, new ExecRequest(cmd, List.of(), null, null), null, ignored, ignored, timeout, null);
        } catch (EngineException e) {
            return 1;
        }
    }

    private synchronized void recordHealth(String id, HealthChecks.Outcome outcome) {
        Container now = records.findOrNull(id);
        if (now == null || !now.state().running()) {
            return;
        }
        ContainerState.Health before = now.state().health();
        ContainerState.Health next = outcome.next(before);
        records.save(now.withState(now.state().withHealth(next)));
        if (before == null || !before.status().equals(next.status())) {
            publish(now, "health_status: " + next.status(), Map.of());
        }
    }

    /**
     * The record, brought up to date when no engine of this process watches the container: an init
     * that ended meanwhile took its exit status with it.
     */
    private Container refresh(Container c) {
        if (!c.state().running() || watched.containsKey(c.id())) {
            return c;
        }
        // The watch may have ended after c was read: it saved the exit before it ended, so the
        // record read now has it (read before, it once turned a kill's 137 into 255).
        Container latest = Objects.requireNonNullElse(records.read(c.id()), c);
        if (!latest.state().running() || Tasks.running(latest.state().pid(), Instant.parse(latest.state().startedAt()))) {
            return latest;
        }
        return latest.withState(latest.state().withExited(255, Instant.now().toString()));
    }
}
