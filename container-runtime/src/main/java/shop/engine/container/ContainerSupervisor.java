package shop.engine.container;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import shop.engine.network.Endpoint;
import shop.engine.network.NetworkService;
import shop.engine.network.PortProxy;
import shop.engine.support.EngineException;
import shop.engine.task.Task;
import shop.engine.task.Tasks;

/**
 * Runs containers and watches them, as Docker's daemon does: a start opens the published ports
 * and starts the container's task; its exit is saved in its record, the restart policy
 * ({@link RestartPolicy}) may start it again after a back-off, and an auto-removed container goes;
 * stop, kill, pause and unpause act on the running task; its healthcheck runs meanwhile
 * ({@link HealthChecks}); an engine that restarts takes over the containers that kept running
 * ({@link #recover}). Its monitor is the containers' one lock: {@link LocalContainers} holds it
 * too wherever records and the runtime must agree.
 */
final class ContainerSupervisor {

    private final ContainerRecords records;
    private final ContainerExits exits;
    private final ContainerStdio stdio;
    private final ContainerContents contents;
    private final Tasks tasks;
    private final NetworkService networks;
    private final PortProxy ports;
    private final ContainerEvents events;
    private final HealthChecks health;
    private final ScheduledExecutorService executor;
    /** Removes a container that asked for it (AutoRemove) once it has exited or failed to start. */
    private final Consumer<String> autoRemove;

    ContainerSupervisor(ContainerRecords records, ContainerExits exits, ContainerStdio stdio, ContainerContents contents,
                        ContainerProcesses processes, Tasks tasks, NetworkService networks, PortProxy ports,
                        ContainerEvents events, ScheduledExecutorService executor, Consumer<String> autoRemove) {
        this.records = records;
        this.exits = exits;
        this.stdio = stdio;
        this.contents = contents;
        this.tasks = tasks;
        this.networks = networks;
        this.ports = ports;
        this.events = events;
        this.executor = executor;
        this.autoRemove = autoRemove;
        this.health = new HealthChecks(new HealthChecks.Target() {
            @Override
            public int probe(String id, List<String> cmd, Duration timeout) {
                return processes.probe(id, cmd, timeout);
            }

            @Override
            public void record(String id, HealthChecks.Outcome outcome) {
                recordHealth(id, outcome);
            }
        });
    }

    void start(String idOrName) {
        Container c;
        synchronized (this) {
            c = exits.refresh(records.find(idOrName));
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
                    autoRemove.accept(c.id());
                }
                throw e;
            }
        }
        events.publish(c, "start");
    }

    private void launch(Container c) {
        Path dir = records.dir(c.id());
        contents.rootfs(c);
        if (c.hostConfig().joinsNetwork()) {
            networks.attach(c.id());
        }
        // Ports first: a taken host port fails the start before anything runs.
        List<PortProxy.Binding> published = openPorts(c, c.hostConfig().publishedPorts(c.config().exposedPorts()));
        Task task;
        try {
            task = tasks.start(c.id(), dir.resolve("bundle"), stdio.stdin(c, dir), dir.resolve("stdout.log"),
                    dir.resolve("stderr.log"), c.config().hasTerminal());
            stdio.hold(task, dir);
        } catch (RuntimeException e) {
            stdio.release(c.id());
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
        Object token = exits.watch(c.id());
        stdio.timeLogs(c.id(), records.dir(c.id()));
        task.exit().thenCompose(code -> stdio.drained(c.id()).thenApply(drained -> code))
                .thenAcceptAsync(code -> exited(c.id(), token, code), executor);
    }

    /**
     * The container's init is gone: record the exit (255 when its status was lost with an earlier
     * engine process, as Docker reports it), then apply the restart policy.
     */
    private synchronized void exited(String id, Object token, Integer code) {
        if (!exits.current(id, token)) {
            return;
        }
        stdio.stopTiming(id);
        Container c = records.findOrNull(id);
        if (c == null) {
            exits.forget(id);
            return;
        }
        if (code == null) {
            System.err.println("container " + c.name() + ": the exit status of its init " + c.state().pid()
                    + " was lost (an init adopted from an earlier engine process, or collected by another): reported as 255");
        }
        ports.close(id);
        stdio.release(id);
        Container done = c.withState(c.state().withExited(code == null ? 255 : code, Instant.now().toString()))
                .withPorts(List.of());
        // Saved before the watch ends, so nobody reads the exit from a record that still says running.
        records.save(done);
        exits.forget(id);
        health.stop(id);
        tasks.delete(id);
        events.publish(done, "die", Map.of("exitCode", String.valueOf(done.state().exitCode())));
        if (done.state().stoppedByUser()) {
            events.publish(done, "stop");
        }
        RestartPolicy policy = done.hostConfig().restartPolicy();
        if (policy.restarts(done.state().exitCode(), done.state().restartCount(), done.state().stoppedByUser())) {
            executor.schedule(() -> restartByPolicy(id), RestartPolicy.delayMillis(done.state().restartCount()),
                    TimeUnit.MILLISECONDS);
        } else if (done.hostConfig().autoRemove()) {
            exits.removedAfterExit(id, done.state().exitCode());
            autoRemove.accept(id);
        }
        exits.noted();
    }

    private synchronized void restartByPolicy(String id) {
        Container c = records.findOrNull(id);
        if (c != null && !c.state().running() && !c.state().stoppedByUser()) {
            launch(c.withState(c.state().withRestart()));
            events.publish(c, "restart");
        }
    }

    void stop(String idOrName, int timeoutSeconds) {
        Container c;
        synchronized (this) {
            c = exits.refresh(records.find(idOrName));
            records.save(c.withState(c.state().withStoppedByUser()));
            if (!c.state().running()) {
                return;
            }
            signal(c, c.config().stopSignal() == null ? "SIGTERM" : c.config().stopSignal());
        }
        if (!exits.awaitExit(c.id(), timeoutSeconds < 0 ? Long.MAX_VALUE : timeoutSeconds * 1000L)) {
            signal(c, "SIGKILL");
            if (!exits.awaitExit(c.id(), 10_000)) {
                // Docker's answer too: a stop that returned now would let the next remove meet "running".
                throw EngineException.failed("stop " + c.shortId() + ": tried to kill the container, but its init "
                        + c.state().pid() + " did not exit within 10 s", null);
            }
        }
    }

    void restart(String idOrName, int timeoutSeconds) {
        Container c = records.find(idOrName);
        stop(c.id(), timeoutSeconds);
        start(c.id());
        events.publish(c, "restart");
    }

    void kill(String idOrName, String signal) {
        Container c = exits.refresh(records.find(idOrName));
        if (!c.state().running()) {
            throw EngineException.conflict("Container " + c.shortId() + " is not running");
        }
        String chosen = signal == null || signal.isEmpty() ? "SIGKILL" : signal;
        signal(c, chosen);
        events.publish(c, "kill", Map.of("signal", chosen));
    }

    /**
     * Sends a signal; a paused container is thawed after it, as Docker does, or the signal would
     * wait for an unpause nobody sends.
     */
    void signal(Container c, String signal) {
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

    synchronized void pause(String idOrName) {
        Container c = exits.refresh(records.find(idOrName));
        if (!c.state().running()) {
            throw EngineException.conflict("Container " + c.shortId() + " is not running");
        }
        if (c.state().paused()) {
            throw EngineException.conflict("Container " + c.shortId() + " is already paused");
        }
        tasks.pause(c.id());
        records.save(c.withState(c.state().withPaused(true)));
        events.publish(c, "pause");
    }

    synchronized void unpause(String idOrName) {
        Container c = exits.refresh(records.find(idOrName));
        if (!c.state().paused()) {
            throw EngineException.conflict("Container " + c.shortId() + " is not paused");
        }
        tasks.resume(c.id());
        records.save(c.withState(c.state().withPaused(false)));
        events.publish(c, "unpause");
    }

    /** Lets go of what a container being removed holds while it runs: its watch, healthcheck, streams, ports, task. */
    synchronized void release(String id) {
        exits.forget(id);
        health.stop(id);
        stdio.release(id);
        ports.close(id);
        tasks.delete(id);
    }

    synchronized void recover(List<Container> all) {
        for (Container c : all) {
            if (!c.state().running() && c.hostConfig().restartPolicy().pending(c.state()) && !exits.watched(c.id())
                    && c.state().finishedAt() != null) {
                executor.schedule(() -> restartByPolicy(c.id()), 0, TimeUnit.MILLISECONDS);
            }
            if (c.state().running() && !exits.watched(c.id())) {
                Container adopted = c.withPorts(reopenPorts(c));
                records.save(adopted);
                watch(adopted, tasks.adopt(c.id(), c.state().pid(), Instant.parse(c.state().startedAt())));
                health.schedule(adopted);
            }
        }
    }

    /**
     * The same host ports as before the engine went away, since clients may hold them. A port the
     * engine had picked and something else took meanwhile is picked anew, as a restart would; one
     * the client named and lost leaves the container running unpublished rather than unwatched.
     */
    private List<PortProxy.Binding> reopenPorts(Container c) {
        try {
            return openPorts(c, c.ports());
        } catch (EngineException taken) {
            try {
                return openPorts(c, c.hostConfig().publishedPorts(c.config().exposedPorts()));
            } catch (EngineException stillTaken) {
                System.err.println("container " + c.name() + " keeps running without its published ports: "
                        + stillTaken.getMessage());
                return List.of();
            }
        }
    }

    void close() {
        health.close();
        ports.closeAll();
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
            events.publish(now, "health_status: " + next.status());
        }
    }
}
