package shop.engine.container;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import shop.engine.EngineException;
import shop.engine.Ids;
import shop.engine.FileTrees;
import shop.engine.Json;
import shop.engine.RootPaths;
import shop.engine.image.BaseImages;
import shop.engine.image.ContainerConfig;
import shop.engine.image.Image;
import shop.engine.network.Endpoint;
import shop.engine.network.NetworkService;
import shop.engine.network.PortProxy;
import shop.engine.runtime.BundleSpec;
import shop.engine.runtime.CliRuntime;
import shop.engine.runtime.InitProcess;
import shop.engine.runtime.OciRuntime;
import shop.engine.runtime.Users;
import shop.engine.snapshot.Layer;
import shop.engine.snapshot.Snapshotter;

/** {@link ContainerService} on an overlay {@link Snapshotter} and an {@link OciRuntime}. */
public final class LocalContainers implements ContainerService {

    private static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final long POLL_MS = 20;
    /** How precise log timestamps are. */
    private static final long LOG_TICK_MS = 100;

    private final Path root;
    private final BaseImages images;
    private final Snapshotter snapshots;
    private final OciRuntime runtime;
    private final NetworkService networks;
    private final PortProxy ports;
    private final Volumes volumes;
    private final ScheduledExecutorService supervisor = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "container-supervisor");
        t.setDaemon(true);
        return t;
    });
    /**
     * Healthchecks run here, not on the supervisor: a probe is an exec that may take its whole
     * timeout, and queued behind probes an exit went unnoticed past a stop's wait.
     */
    private final ScheduledExecutorService probes = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "container-healthcheck");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, ScheduledFuture<?>> healthChecks = new ConcurrentHashMap<>();
    private final Map<String, Object> watched = new ConcurrentHashMap<>();
    private final ContainerStdin stdins = new ContainerStdin();
    /** The log streams of the containers this engine watches, noted on every tick (see LogFile). */
    private final Map<String, List<LogFile>> logClocks = new ConcurrentHashMap<>();
    /** Exit codes of auto-removed containers, for a client waiting on condition "removed". */
    private final Map<String, Integer> lastExitCodes = new ConcurrentHashMap<>();
    /** Notified whenever a watched container exits, so waiters need not sleep a whole poll interval. */
    private final Object exitSignal = new Object();

    public LocalContainers(Path root, BaseImages images, Snapshotter snapshots, OciRuntime runtime,
                           NetworkService networks, PortProxy ports, Volumes volumes) {
        this.root = root;
        this.images = images;
        this.snapshots = snapshots;
        this.runtime = runtime;
        this.networks = networks;
        this.ports = ports;
        this.volumes = volumes;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw EngineException.failed("create " + root + ": " + e.getMessage(), e);
        }
        supervisor.scheduleAtFixedRate(() -> logClocks.keySet().forEach(this::tickLogs),
                LOG_TICK_MS, LOG_TICK_MS, TimeUnit.MILLISECONDS);
    }

    private void tickLogs(String id) {
        logClocks.getOrDefault(id, List.of()).forEach(LogFile::tick);
    }

    @Override
    public Container create(CreateRequest request) {
        String name = request.name() == null || request.name().isEmpty() ? null : request.name().replaceFirst("^/", "");
        if (name != null && !name.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
            throw EngineException.invalid("Invalid container name (" + name + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
        }
        if (request.image() == null || request.image().isEmpty()) {
            throw EngineException.invalid("create: no image given");
        }
        HostConfig host = request.hostConfig() == null ? HostConfig.DEFAULT : request.hostConfig();
        Image image = images.resolve(request.image());
        ContainerConfig config = merge(image.config().containerConfig(), request.config());
        checkHealthcheck(config.healthcheck());
        if (args(config).isEmpty()) {
            throw EngineException.invalid("create: no command specified (the image has no CMD or ENTRYPOINT)");
        }
        String id = Ids.random();
        String containerName = name != null ? name : "c_" + id.substring(0, 12);
        synchronized (this) {
            if (findOrNull(containerName) != null) {
                throw EngineException.conflict("Conflict. The container name \"/" + containerName + "\" is already in use");
            }
            Path dir = root.resolve(id);
            try {
                Files.createDirectories(dir);
                Path rootfs = snapshots.mount(id, layers(image));
                Users.Resolved user = Users.resolve(rootfs, config.user());
                Files.createDirectories(RootPaths.resolve(rootfs, config.workingDir()));
                List<String> env = new ArrayList<>(config.env());
                if (env.stream().noneMatch(e -> e.startsWith("HOME="))) {
                    env.add("HOME=" + user.home());
                }
                env.add("HOSTNAME=" + id.substring(0, 12));
                runtime.writeBundle(new BundleSpec(rootfs, args(config), env, config.workingDir(), user.uid(), user.gid(),
                        user.additionalGids(), id.substring(0, 12), mounts(dir, id, host, rootfs), networkNamespace(id, host),
                        host.memory(), host.nanoCpus(), host.pidsLimit() == null ? 0 : host.pidsLimit(),
                        CliRuntime.cgroupsPath(id), null), dir.resolve("bundle"));
                Files.createFile(dir.resolve("stdout.log"));
                Files.createFile(dir.resolve("stderr.log"));
                if (host.joinsNetwork()) {
                    joinNetworks(id, containerName, host.networkMode(), request.networks(), dir.resolve("hosts"));
                }
                Container container = new Container(id, containerName, image.id(), request.image(),
                        Instant.now().toString(), config, host, ContainerState.created(), List.of());
                save(container);
                return container;
            } catch (IOException | RuntimeException e) {
                // Never leave a half-created container: no endpoint, no mount, no directory.
                networks.release(id);
                snapshots.remove(id);
                FileTrees.deleteOrFail(dir, "undo a failed create");
                if (e instanceof EngineException engine) {
                    throw engine;
                }
                throw EngineException.failed("create container from " + request.image() + ": " + e.getMessage(), e);
            }
        }
    }

    /** The network NetworkMode names first (with its aliases), then any others the request lists. */
    private void joinNetworks(String id, String name, String primary, Map<String, List<String>> requested, Path hostsFile) {
        Map<String, List<String>> all = new LinkedHashMap<>();
        all.put(primary, List.of());
        if (requested != null) {
            // The docker CLI names the default network "default" here, as in NetworkMode.
            requested.forEach((network, aliases) -> all.put(network.equals("default") ? NetworkService.DEFAULT : network,
                    aliases == null ? List.of() : aliases));
        }
        all.forEach((network, aliases) -> networks.connect(network, id, name, aliases, hostsFile));
    }

    /** What the runtime joins: the host's namespace, a fresh one with loopback only, or the one the engine wires. */
    private String networkNamespace(String id, HostConfig host) {
        return host.joinsNetwork() ? networks.namespace(id).toString() : host.networkMode();
    }

    /** Docker's merge: request fields win; a request Entrypoint drops the image's Cmd. */
    static ContainerConfig merge(ContainerConfig image, ContainerConfig request) {
        ContainerConfig req = request == null ? ContainerConfig.EMPTY : request;
        Map<String, String> env = new LinkedHashMap<>();
        for (List<String> list : List.of(image.env() == null ? List.of(DEFAULT_PATH) : image.env(),
                req.env() == null ? List.<String>of() : req.env())) {
            for (String e : list) {
                int eq = e.indexOf('=');
                env.put(eq < 0 ? e : e.substring(0, eq), e);
            }
        }
        List<String> entrypoint = req.entrypoint() != null ? req.entrypoint() : image.entrypoint();
        List<String> cmd = req.entrypoint() != null ? req.cmd() : req.cmd() != null ? req.cmd() : image.cmd();
        Map<String, String> labels = new LinkedHashMap<>();
        if (image.labels() != null) {
            labels.putAll(image.labels());
        }
        if (req.labels() != null) {
            labels.putAll(req.labels());
        }
        String workdir = notEmpty(req.workingDir()) ? req.workingDir() : notEmpty(image.workingDir()) ? image.workingDir() : "/";
        if (!workdir.startsWith("/")) {
            throw EngineException.invalid("the working directory '" + workdir + "' is invalid: it needs to be an absolute path");
        }
        Map<String, Object> exposed = new LinkedHashMap<>();
        for (Map<String, Object> ports : java.util.Arrays.asList(image.exposedPorts(), req.exposedPorts())) {
            if (ports != null) {
                exposed.putAll(ports);
            }
        }
        return new ContainerConfig(notEmpty(req.user()) ? req.user() : image.user(), exposed.isEmpty() ? null : exposed,
                List.copyOf(env.values()), entrypoint, cmd, image.volumes(), workdir, labels,
                notEmpty(req.stopSignal()) ? req.stopSignal() : image.stopSignal(),
                req.healthcheck() != null ? req.healthcheck() : image.healthcheck(), null, req.openStdin(), req.stdinOnce());
    }

    private static boolean notEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    private static List<String> args(ContainerConfig config) {
        List<String> args = new ArrayList<>();
        if (config.entrypoint() != null) {
            args.addAll(config.entrypoint());
        }
        if (config.cmd() != null) {
            args.addAll(config.cmd());
        }
        return args;
    }

    private List<Layer> layers(Image image) {
        List<Layer> layers = new ArrayList<>();
        List<String> diffIds = image.config().diffIds();
        for (int i = 0; i < diffIds.size(); i++) {
            layers.add(new Layer(diffIds.get(i), images.store().content().path(image.manifest().layers().get(i).digest())));
        }
        return layers;
    }

    private List<BundleSpec.Mount> mounts(Path dir, String id, HostConfig host, Path rootfs) throws IOException {
        List<BundleSpec.Mount> mounts = new ArrayList<>();
        Files.writeString(dir.resolve("hostname"), id.substring(0, 12) + "\n");
        Files.writeString(dir.resolve("hosts"), "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                + "127.0.1.1\t" + id.substring(0, 12) + "\n");
        Path hostResolv = Path.of("/etc/resolv.conf");
        Files.writeString(dir.resolve("resolv.conf"), Files.isReadable(hostResolv) ? Files.readString(hostResolv) : "");
        for (String file : List.of("hostname", "hosts", "resolv.conf")) {
            mounts.add(BundleSpec.Mount.bind(dir.resolve(file), "/etc/" + file, false));
        }
        for (String bind : host.binds()) {
            mounts.add(bindMount(bind, rootfs));
        }
        return mounts;
    }

    /**
     * {@code /host/path:/container/path[:ro]}, or a named volume {@code name:/path} kept under the
     * state dir; a new volume starts as a copy of what the image has at that path, as Docker's do.
     */
    private BundleSpec.Mount bindMount(String bind, Path rootfs) throws IOException {
        String[] parts = bind.split(":");
        if (parts.length < 2 || parts.length > 3 || !parts[1].startsWith("/")
                || (parts.length == 3 && !parts[2].matches("(ro|rw)(,.*)?"))) {
            throw EngineException.invalid("invalid volume specification: '" + bind + "' (want source:/path[:ro])");
        }
        Path source;
        if (parts[0].startsWith("/")) {
            source = Path.of(parts[0]);
            if (!Files.exists(source)) {
                Files.createDirectories(source);
            }
        } else if (parts[0].matches(Volumes.NAME_PATTERN)) {
            source = volumes.mountpoint(parts[0], RootPaths.resolve(rootfs, parts[1]));
        } else {
            throw EngineException.invalid("invalid volume specification: '" + bind + "': bad volume name " + parts[0]);
        }
        return BundleSpec.Mount.bind(source, parts[1], parts.length == 3 && parts[2].startsWith("ro"));
    }

    @Override
    public synchronized void start(String idOrName) {
        Container c = refresh(find(idOrName));
        if (c.state().running()) {
            return;
        }
        if (c.state().status().equals("exited")) {
            runtime.delete(c.id());
        }
        try {
            launch(c);
        } catch (EngineException e) {
            // As Docker's: a --rm container that cannot start is not left behind.
            if (c.hostConfig().autoRemove()) {
                remove(c.id(), true);
            }
            throw e;
        }
    }

    private void launch(Container c) {
        Path dir = root.resolve(c.id());
        snapshots.mount(c.id(), layers(images.store().resolve(c.imageId())));
        if (c.hostConfig().joinsNetwork()) {
            networks.attach(c.id());
        }
        // Ports first: a taken host port fails the start before anything runs.
        List<PortProxy.Binding> published = publish(c, c.hostConfig().publishedPorts(c.config().exposedPorts()));
        InitProcess init;
        try {
            Path stdin = Boolean.TRUE.equals(c.config().openStdin()) ? stdins.open(c.id(), dir) : null;
            init = runtime.start(c.id(), dir.resolve("bundle"), stdin, dir.resolve("stdout.log"), dir.resolve("stderr.log"), false)
                    .init();
        } catch (RuntimeException e) {
            stdins.close(c.id());
            ports.close(c.id());
            runtime.delete(c.id());
            throw e;
        }
        Container running = c.withState(c.state().withRunning(init.pid(), Instant.now().toString(), checksHealth(c)))
                .withPorts(published);
        save(running);
        watch(running, init);
        scheduleHealthcheck(running);
    }

    /** Opens the published ports towards the container's address on its primary network. */
    private List<PortProxy.Binding> publish(Container c, List<PortProxy.Binding> wanted) {
        if (wanted.isEmpty() || !c.hostConfig().joinsNetwork()) {
            return List.of();
        }
        Endpoint endpoint = networks.endpoints(c.id()).get(c.hostConfig().networkMode());
        return endpoint == null ? List.of() : ports.open(c.id(), wanted, endpoint.ipAddress());
    }

    private void watch(Container c, InitProcess init) {
        Object token = new Object();
        watched.put(c.id(), token);
        Path dir = root.resolve(c.id());
        logClocks.put(c.id(), List.of(new LogFile(dir, "stdout"), new LogFile(dir, "stderr")));
        init.exit().thenAcceptAsync(code -> exited(c.id(), token, code), supervisor);
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
        Container c = findOrNull(id);
        if (c == null) {
            watched.remove(id);
            return;
        }
        ports.close(id);
        stdins.close(id);
        Container done = c.withState(c.state().withExited(code == null ? 255 : code, Instant.now().toString()))
                .withPorts(List.of());
        // Saved before the watch ends, so nobody reads the exit from a record that still says running.
        save(done);
        watched.remove(id);
        stopHealthcheck(id);
        runtime.delete(id);
        HostConfig.RestartPolicy policy = done.hostConfig().restartPolicy();
        if (policy.restarts(done.state().exitCode(), done.state().restartCount(), done.state().stoppedByUser())) {
            long delay = Math.min(100L << Math.min(done.state().restartCount(), 6), 5_000);
            supervisor.schedule(() -> restart(id), delay, TimeUnit.MILLISECONDS);
        } else if (done.hostConfig().autoRemove()) {
            lastExitCodes.put(id, done.state().exitCode());
            remove(id, true);
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

    private synchronized void restart(String id) {
        Container c = findOrNull(id);
        if (c != null && !c.state().running() && !c.state().stoppedByUser()) {
            launch(c.withState(c.state().withRestart()));
        }
    }

    @Override
    public void stop(String idOrName, int timeoutSeconds) {
        Container c;
        synchronized (this) {
            c = refresh(find(idOrName));
            save(c.withState(c.state().withStoppedByUser()));
            if (!c.state().running()) {
                return;
            }
            signal(c, c.config().stopSignal() == null ? "SIGTERM" : c.config().stopSignal());
        }
        if (!awaitExit(c.id(), timeoutSeconds * 1000L)) {
            signal(c, "SIGKILL");
            if (!awaitExit(c.id(), 10_000)) {
                // Docker's answer too: a stop that returned now would let the next remove meet "running".
                throw EngineException.failed("stop " + c.shortId() + ": tried to kill the container, but its init "
                        + c.state().pid() + " did not exit within 10 s", null);
            }
        }
    }

    @Override
    public void kill(String idOrName, String signal) {
        Container c = refresh(find(idOrName));
        if (!c.state().running()) {
            throw EngineException.conflict("Container " + c.shortId() + " is not running");
        }
        signal(c, signal == null || signal.isEmpty() ? "SIGKILL" : signal);
    }

    private void signal(Container c, String signal) {
        String normalized = signal.matches("\\d+") ? signal : (signal.startsWith("SIG") ? signal : "SIG" + signal);
        try {
            runtime.kill(c.id(), normalized);
        } catch (EngineException e) {
            // It may have exited between the check and the signal (its record catches up once the
            // exit is noted): only a container whose init still runs is an error.
            if (InitProcess.alive(c.state().pid(), Instant.parse(c.state().startedAt()))) {
                throw e;
            }
        }
    }

    private boolean awaitExit(String id, long millis) {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            Container c = findOrNull(id);
            if (c == null || !refresh(c).state().running()) {
                return true;
            }
            awaitAnyExit();
        }
        return false;
    }

    @Override
    public int await(String idOrName, WaitCondition condition) {
        Container first = refresh(find(idOrName));
        String id = first.id();
        String finishedBefore = first.state().finishedAt();
        while (true) {
            Container c = findOrNull(id);
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
    public void remove(String idOrName, boolean force) {
        Container c = refresh(find(idOrName));
        if (c.state().running()) {
            if (!force) {
                throw EngineException.conflict("You cannot remove a running container " + c.shortId()
                        + ". Stop the container before attempting removal or force remove");
            }
            synchronized (this) {
                save(c.withState(c.state().withStoppedByUser()));
            }
            signal(c, "SIGKILL");
            awaitExit(c.id(), 10_000);
        }
        synchronized (this) {
            watched.remove(c.id());
            stopHealthcheck(c.id());
            ports.close(c.id());
            runtime.delete(c.id());
            networks.release(c.id());
            snapshots.remove(c.id());
            FileTrees.deleteOrFail(root.resolve(c.id()), "remove container " + c.shortId());
        }
    }

    @Override
    public Container inspect(String idOrName) {
        return refresh(find(idOrName));
    }

    @Override
    public List<Container> list(boolean all) {
        List<Container> result = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                Container c = read(dir.getFileName().toString());
                if (c != null && (all || refresh(c).state().running())) {
                    result.add(refresh(c));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        result.sort((a, b) -> b.created().compareTo(a.created()));
        return result;
    }

    @Override
    public void logs(String idOrName, LogOptions options, OutputStream stdout, OutputStream stderr) {
        Container c = find(idOrName);
        Path dir = root.resolve(c.id());
        try (LogFile.Reader out = new LogFile(dir, "stdout").new Reader(options.tail(), options.since());
             LogFile.Reader err = new LogFile(dir, "stderr").new Reader(options.tail(), options.since())) {
            while (true) {
                // An auto-removed container vanishes when it exits: its open files still hold its output.
                Container now = options.follow() ? findOrNull(c.id()) : null;
                boolean running = now != null && refresh(now).state().running();
                do {
                    LogFile.write(out.read(!running), err.read(!running), stdout, stderr, options.timestamps());
                } while (!out.caughtUp() || !err.caughtUp());
                if (!running) {
                    return;
                }
                sleep(POLL_MS * 5);
            }
        } catch (IOException e) {
            throw EngineException.failed("logs of " + c.shortId() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void attachStdin(String idOrName, java.io.InputStream in) {
        Container c = find(idOrName);
        stdins.feed(c.id(), in, Boolean.TRUE.equals(c.config().stdinOnce()));
    }

    @Override
    public int exec(String idOrName, List<String> cmd, List<String> env, String user, java.io.InputStream stdin,
                    OutputStream stdout, OutputStream stderr) {
        return exec(idOrName, cmd, env, user, stdin, stdout, stderr, null);
    }

    private int exec(String idOrName, List<String> cmd, List<String> env, String user, java.io.InputStream stdin,
                     OutputStream stdout, OutputStream stderr, Duration timeout) {
        Container c = refresh(find(idOrName));
        if (!c.state().running()) {
            throw EngineException.conflict("Container " + c.shortId() + " is not running");
        }
        if (cmd == null || cmd.isEmpty()) {
            throw EngineException.invalid("exec: no command specified");
        }
        Users.Resolved u = Users.resolve(snapshots.rootfs(c.id()), notEmpty(user) ? user : c.config().user());
        List<String> fullEnv = new ArrayList<>(c.config().env());
        if (env != null) {
            fullEnv.addAll(env);
        }
        return runtime.exec(c.id(), cmd, fullEnv, c.config().workingDir(), u.uid(), u.gid(), stdin, stdout, stderr, timeout, null);
    }

    @Override
    public synchronized void connect(String idOrName, String network, List<String> aliases) {
        Container c = find(idOrName);
        if (!c.hostConfig().joinsNetwork()) {
            throw EngineException.conflict("container " + c.name() + " runs with network mode \"" + c.hostConfig().networkMode()
                    + "\" and cannot be connected to networks");
        }
        networks.connect(network, c.id(), c.name(), aliases == null ? List.of() : aliases, root.resolve(c.id()).resolve("hosts"));
    }

    @Override
    public synchronized void disconnect(String idOrName, String network) {
        networks.disconnect(network, find(idOrName).id());
    }

    @Override
    public synchronized void recover() {
        for (Container c : list(true)) {
            if (!c.state().running() && restartPending(c) && watched.get(c.id()) == null && c.state().finishedAt() != null) {
                supervisor.schedule(() -> restart(c.id()), 0, TimeUnit.MILLISECONDS);
            }
            if (c.state().running() && watched.get(c.id()) == null) {
                // The same host ports as before the engine went away; clients may hold them.
                publish(c, c.ports());
                watch(c, InitProcess.watch(c.state().pid(), Instant.parse(c.state().startedAt())));
                scheduleHealthcheck(c);
            }
        }
    }

    @Override
    public void close() {
        supervisor.shutdownNow();
        probes.shutdownNow();
        ports.closeAll();
    }

    // --- health ---

    /** Docker's rules: durations are 0 (the default) or at least 1 ms, retries are not negative. */
    private static void checkHealthcheck(ContainerConfig.Healthcheck hc) {
        if (hc == null) {
            return;
        }
        Map<String, Long> durations = new LinkedHashMap<>();
        durations.put("Interval", hc.interval());
        durations.put("Timeout", hc.timeout());
        durations.put("StartPeriod", hc.startPeriod());
        durations.forEach((field, nanos) -> {
            if (nanos != null && nanos != 0 && nanos < 1_000_000) {
                throw EngineException.invalid(field + " in Healthcheck cannot be less than 1ms");
            }
        });
        if (hc.retries() != null && hc.retries() < 0) {
            throw EngineException.invalid("Retries in Healthcheck cannot be negative");
        }
    }

    private static boolean checksHealth(Container c) {
        ContainerConfig.Healthcheck hc = c.config().healthcheck();
        return hc != null && hc.test() != null && !hc.test().isEmpty() && !hc.test().get(0).equals("NONE");
    }

    private void scheduleHealthcheck(Container c) {
        if (!checksHealth(c)) {
            return;
        }
        ContainerConfig.Healthcheck hc = c.config().healthcheck();
        long interval = nanosToMillis(hc.interval(), 30_000);
        long startedAt = System.currentTimeMillis();
        healthChecks.put(c.id(), probes.scheduleWithFixedDelay(() -> probe(c.id(), hc, startedAt),
                interval, interval, TimeUnit.MILLISECONDS));
    }

    private void stopHealthcheck(String id) {
        ScheduledFuture<?> check = healthChecks.remove(id);
        if (check != null) {
            check.cancel(false);
        }
    }

    private void probe(String id, ContainerConfig.Healthcheck hc, long startedAt) {
        Container c = findOrNull(id);
        if (c == null || !refresh(c).state().running()) {
            return;
        }
        List<String> test = hc.test();
        List<String> cmd = switch (test.get(0)) {
            case "CMD" -> test.subList(1, test.size());
            case "CMD-SHELL" -> List.of("/bin/sh", "-c", String.join(" ", test.subList(1, test.size())));
            default -> List.of("/bin/sh", "-c", String.join(" ", test));
        };
        int code;
        try {
            // Docker's default timeout; an overrun is killed and counts as a failure, and no probe
            // holds one of the few probe threads for longer.
            code = exec(id, cmd, List.of(), null, null, OutputStream.nullOutputStream(), OutputStream.nullOutputStream(),
                    Duration.ofMillis(nanosToMillis(hc.timeout(), 30_000)));
        } catch (EngineException e) {
            code = 1;
        }
        synchronized (this) {
            Container now = findOrNull(id);
            if (now == null || !now.state().running()) {
                return;
            }
            ContainerState.Health old = now.state().health() == null ? new ContainerState.Health("starting", 0) : now.state().health();
            ContainerState.Health next;
            int retries = hc.retries() == null || hc.retries() <= 0 ? 3 : hc.retries();
            boolean inStartPeriod = System.currentTimeMillis() - startedAt < nanosToMillis(hc.startPeriod(), 0);
            if (code == 0) {
                next = new ContainerState.Health("healthy", 0);
            } else if (inStartPeriod) {
                next = old;
            } else {
                int streak = old.failingStreak() + 1;
                next = new ContainerState.Health(streak >= retries ? "unhealthy" : old.status(), streak);
            }
            save(now.withState(now.state().withHealth(next)));
        }
    }

    private static long nanosToMillis(Long nanos, long dflt) {
        return nanos == null || nanos <= 0 ? dflt : Math.max(1, nanos / 1_000_000);
    }

    // --- records ---

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
        Container latest = Objects.requireNonNullElse(read(c.id()), c);
        if (!latest.state().running() || InitProcess.alive(latest.state().pid(), Instant.parse(latest.state().startedAt()))) {
            return latest;
        }
        return latest.withState(latest.state().withExited(255, Instant.now().toString()));
    }

    private Container find(String idOrName) {
        Container c = findOrNull(idOrName);
        if (c == null) {
            throw EngineException.notFound("No such container: " + idOrName);
        }
        return c;
    }

    private Container findOrNull(String idOrName) {
        String key = idOrName.startsWith("/") ? idOrName.substring(1) : idOrName;
        if (key.matches("[a-f0-9]{64}")) {
            return read(key);
        }
        Map<String, Container> byPrefix = new HashMap<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                Container c = read(dir.getFileName().toString());
                if (c == null) {
                    continue;
                }
                if (c.name().equals(key)) {
                    return c;
                }
                if (key.length() >= 1 && c.id().startsWith(key)) {
                    byPrefix.put(c.id(), c);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (byPrefix.size() > 1) {
            throw EngineException.invalid("multiple containers match " + idOrName);
        }
        return byPrefix.values().stream().findFirst().orElse(null);
    }

    private Container read(String id) {
        Path file = root.resolve(id).resolve("container.json");
        try {
            return Files.exists(file) ? Json.MAPPER.readValue(file.toFile(), Container.class) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private void save(Container c) {
        Path file = root.resolve(c.id()).resolve("container.json");
        try {
            Path temp = file.resolveSibling("container.json.tmp");
            Files.write(temp, Json.bytes(c));
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw EngineException.failed("save container " + c.shortId() + ": " + e.getMessage(), e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.failed("interrupted", e);
        }
    }
}
