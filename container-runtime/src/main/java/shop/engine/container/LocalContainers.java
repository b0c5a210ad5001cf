package shop.engine.container;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import shop.engine.event.EngineEvents;
import shop.engine.image.BaseImages;
import shop.engine.image.Image;
import shop.engine.network.NetworkService;
import shop.engine.network.PortProxy;
import shop.engine.runtime.OciRuntime;
import shop.engine.runtime.ResourceUsage;
import shop.engine.snapshot.Change;
import shop.engine.snapshot.Snapshotter;
import shop.engine.support.EngineException;
import shop.engine.support.FileTrees;
import shop.engine.task.Tasks;

/**
 * {@link ContainerService} on an overlay {@link Snapshotter}, each container's process a task
 * ({@link Tasks}). This class keeps the records (create, rename, remove, networks) and hands every
 * other job to a class of its own: starting, watching, stopping and restarting containers
 * ({@link ContainerSupervisor}), what is known of their exits and waiting for them
 * ({@link ContainerExits}), their standard streams ({@link ContainerStdio}), execs and processes
 * ({@link ContainerProcesses}), what their filesystems hold ({@link ContainerContents}) and events
 * ({@link ContainerEvents}). Records change under one lock, the supervisor's monitor.
 */
public final class LocalContainers implements ContainerService {

    private final ContainerRecords records;
    private final Snapshotter snapshots;
    private final NetworkService networks;
    private final Volumes volumes;
    private final ContainerEvents events;
    private final ContainerCreation creation;
    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "container-supervisor");
        t.setDaemon(true);
        return t;
    });
    private final ContainerExits exits;
    private final ContainerStdio stdio;
    private final ContainerProcesses processes;
    private final ContainerContents contents;
    /** Starts, watches and stops containers; its monitor is the containers' lock. */
    private final ContainerSupervisor supervisor;

    public LocalContainers(Path root, BaseImages images, Snapshotter snapshots, Tasks tasks,
                           NetworkService networks, PortProxy ports, Volumes volumes, EngineEvents events) {
        this.records = new ContainerRecords(root);
        this.snapshots = snapshots;
        this.networks = networks;
        this.volumes = volumes;
        this.events = new ContainerEvents(events);
        this.exits = new ContainerExits(records);
        this.processes = new ContainerProcesses(records, exits, tasks);
        this.contents = new ContainerContents(records, exits, images, snapshots, tasks, volumes, this.events);
        this.creation = new ContainerCreation(records, images, snapshots, tasks, networks, volumes,
                new ContainerBundles(tasks, networks, volumes));
        this.stdio = new ContainerStdio(records, exits, executor);
        this.supervisor = new ContainerSupervisor(records, exits, stdio, contents, processes, tasks, networks, ports,
                this.events, executor, id -> remove(id, true, true));
    }

    @Override
    public Container create(CreateRequest request) {
        ContainerCreation.Prepared prepared = creation.prepare(request);
        Container container;
        synchronized (supervisor) {
            container = creation.make(prepared, contents.layers(prepared.image()));
        }
        events.publish(container, "create");
        return container;
    }

    // --- start, stop, exit ---

    @Override
    public void start(String idOrName) {
        supervisor.start(idOrName);
    }

    @Override
    public void stop(String idOrName, int timeoutSeconds) {
        supervisor.stop(idOrName, timeoutSeconds);
    }

    @Override
    public void restart(String idOrName, int timeoutSeconds) {
        supervisor.restart(idOrName, timeoutSeconds);
    }

    @Override
    public void kill(String idOrName, String signal) {
        supervisor.kill(idOrName, signal);
    }

    @Override
    public void pause(String idOrName) {
        supervisor.pause(idOrName);
    }

    @Override
    public void unpause(String idOrName) {
        supervisor.unpause(idOrName);
    }

    @Override
    public void rename(String idOrName, String newName) {
        synchronized (supervisor) {
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
            events.publish(c.withName(name), "rename", Map.of("oldName", "/" + c.name()));
        }
    }

    @Override
    public int await(String idOrName, WaitCondition condition, Runnable armed) {
        return exits.await(idOrName, condition, armed);
    }

    @Override
    public void remove(String idOrName, boolean force, boolean removeVolumes) {
        Container c = refresh(records.find(idOrName));
        if (c.state().running()) {
            if (!force) {
                throw EngineException.conflict("You cannot remove a running container " + c.shortId()
                        + ". Stop the container before attempting removal or force remove");
            }
            synchronized (supervisor) {
                // Read again under the lock: a record read before an exit was saved would undo it.
                Container now = refresh(records.find(c.id()));
                if (now.state().running()) {
                    records.save(now.withState(now.state().withStoppedByUser()));
                }
            }
            supervisor.signal(c, "SIGKILL");
            exits.awaitExit(c.id(), 10_000);
        }
        synchronized (supervisor) {
            supervisor.release(c.id());
            networks.release(c.id());
            snapshots.remove(c.id());
            FileTrees.deleteOrFail(records.dir(c.id()), "remove container " + c.shortId());
            if (removeVolumes) {
                removeAnonymousVolumes(c);
            }
        }
        events.publish(c, "destroy");
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
        stdio.logs(idOrName, options, stdout, stderr);
    }

    @Override
    public void attachStdin(String idOrName, InputStream in) {
        stdio.attach(idOrName, in);
    }

    @Override
    public void resize(String idOrName, int rows, int cols) {
        stdio.resize(idOrName, rows, cols);
    }

    @Override
    public int exec(String idOrName, ExecRequest request, InputStream stdin, OutputStream stdout, OutputStream stderr,
                    OciRuntime.ExecTerminal terminal) {
        return processes.exec(idOrName, request, stdin, stdout, stderr, null, terminal);
    }

    @Override
    public void connect(String idOrName, String network, List<String> aliases) {
        synchronized (supervisor) {
            Container c = records.find(idOrName);
            if (!c.hostConfig().joinsNetwork()) {
                throw EngineException.conflict("container " + c.name() + " runs with network mode \"" + c.hostConfig().networkMode()
                        + "\" and cannot be connected to networks");
            }
            networks.connect(network, c.id(), c.name(), aliases == null ? List.of() : aliases,
                    EtcFiles.hostsOf(records.dir(c.id()), c));
        }
    }

    @Override
    public void disconnect(String idOrName, String network) {
        synchronized (supervisor) {
            networks.disconnect(network, records.find(idOrName).id());
        }
    }

    // --- what a running container does and holds ---

    @Override
    public Processes top(String idOrName, String psArgs) {
        return processes.top(idOrName, psArgs);
    }

    @Override
    public ResourceUsage stats(String idOrName) {
        return processes.stats(idOrName);
    }

    @Override
    public List<Change> changes(String idOrName) {
        return contents.changes(idOrName);
    }

    @Override
    public void export(String idOrName, OutputStream tar) {
        contents.export(idOrName, tar);
    }

    @Override
    public PathStat stat(String idOrName, String path) {
        return contents.stat(idOrName, path);
    }

    @Override
    public void copyOut(String idOrName, String path, OutputStream tar) {
        contents.copyOut(idOrName, path, tar);
    }

    @Override
    public void copyIn(String idOrName, String path, InputStream tar, boolean noOverwriteDirNonDir) {
        contents.copyIn(idOrName, path, tar, noOverwriteDirNonDir);
    }

    @Override
    public Image commit(String idOrName, CommitRequest request) {
        return contents.commit(idOrName, request);
    }

    // --- supervision ---

    @Override
    public void recover() {
        synchronized (supervisor) {
            supervisor.recover(list(true));
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        supervisor.close();
    }

    private Container refresh(Container c) {
        return exits.refresh(c);
    }
}
