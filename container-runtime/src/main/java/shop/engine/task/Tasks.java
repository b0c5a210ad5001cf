package shop.engine.task;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import shop.engine.runtime.BundleSpec;
import shop.engine.runtime.InitProcess;
import shop.engine.runtime.OciRuntime;
import shop.engine.runtime.Users;
import shop.engine.snapshot.Layer;
import shop.engine.snapshot.Snapshotter;
import shop.engine.support.RootPaths;

/**
 * Processes that run from a snapshot, as containerd's tasks: a container's init, or a build's RUN
 * step. A container is the record of what to run; its task is that process running. A RUN step is
 * a task with no container around it.
 *
 * <p>Lifecycle: {@link #mount} gives a task its root filesystem, the snapshot named after it over its
 * image's layers (mounted again when a reboot took the mount away); {@link #prepare} resolves the
 * process's user in that root filesystem and makes its working directory; {@link #create} writes the
 * OCI bundle, the task's cgroup named after it; {@link #start} runs the init detached and returns the
 * {@link Task}, whose exit completes when the engine reaps the init ({@link InitProcess}: no process
 * stays behind per task); {@link #kill}, {@link #pause}, {@link #resume} and {@link #exec} act on it
 * while it runs; {@link #delete} drops the runtime's record once it has exited. {@link #run} is
 * create, start, wait and delete for a process run to its end with its output followed. The snapshot
 * outlives the task: its owner removes it.
 */
public final class Tasks {

    /** How often {@link #run} looks for more output of a task that is still running. */
    private static final long FOLLOW_MS = 20;

    private final Snapshotter snapshots;
    private final OciRuntime runtime;

    public Tasks(Snapshotter snapshots, OciRuntime runtime) {
        this.snapshots = snapshots;
        this.runtime = runtime;
    }

    /**
     * Another process to run in a running task, the user resolved in its root filesystem: its own
     * process otherwise (capabilities, limits); privileged gets every capability.
     */
    public record Exec(List<String> args, List<String> env, String cwd, String user, List<String> groupAdd,
                       boolean privileged) {
    }

    /** Task {@code id}'s root filesystem: its snapshot over {@code layers}, mounted if it is not. */
    public Path mount(String id, List<Layer> layers) {
        return snapshots.mount(id, layers);
    }

    /** The process's user resolved in {@code rootfs}, groupAdd's groups after its own; makes its working directory there. */
    public static Users.Resolved prepare(Path rootfs, String user, List<String> groupAdd, String workingDir)
            throws IOException {
        Users.Resolved resolved = Users.resolve(rootfs, user, groupAdd);
        Files.createDirectories(RootPaths.resolve(rootfs, workingDir));
        return resolved;
    }

    /** Writes the task's bundle. */
    public void create(String id, BundleSpec spec, Path bundle) {
        runtime.writeBundle(id, spec, bundle);
    }

    /**
     * Starts the task from its bundle (see {@link OciRuntime#start}). On a failure the caller deletes
     * it, having undone what it set up around the start.
     */
    public Task start(String id, Path bundle, Path stdin, Path stdout, Path stderr, boolean terminal) {
        OciRuntime.Started started = runtime.start(id, bundle, stdin, stdout, stderr, terminal);
        return new Task(id, started.init(), started.console());
    }

    /** A task whose init an earlier engine process started, watched from now on. */
    public Task adopt(String id, long pid, Instant startedAt) {
        return new Task(id, InitProcess.watch(pid, startedAt), Optional.empty());
    }

    /** Whether the init a task started at {@code startedAt} still runs (a reused pid does not count). */
    public static boolean running(long pid, Instant startedAt) {
        return InitProcess.alive(pid, startedAt);
    }

    public void kill(String id, String signal) {
        runtime.kill(id, signal);
    }

    public void pause(String id) {
        runtime.pause(id);
    }

    public void resume(String id) {
        runtime.resume(id);
    }

    /** Runs {@code exec} in running task {@code id}; see {@link OciRuntime#exec} for the streams, timeout and terminal. */
    public int exec(String id, Path bundle, Exec exec, InputStream stdin, OutputStream stdout, OutputStream stderr,
                    Duration timeout, OciRuntime.ExecTerminal terminal) {
        Users.Resolved user = Users.resolve(snapshots.rootfs(id), exec.user(), exec.groupAdd());
        OciRuntime.ExecProcess process = new OciRuntime.ExecProcess(exec.args(), exec.env(), exec.cwd(), user.uid(),
                user.gid(), user.additionalGids(), exec.privileged());
        return runtime.exec(id, bundle, process, stdin, stdout, stderr, timeout, terminal);
    }

    public void delete(String id) {
        runtime.delete(id);
    }

    /**
     * Runs task {@code id} to its end: writes its bundle, starts it with both its streams going to
     * {@code output}, hands what it writes there to {@code progress} as it comes, and deletes it;
     * returns its exit status.
     */
    public int run(String id, BundleSpec spec, Path bundle, Path output, Consumer<String> progress) throws IOException {
        try {
            create(id, spec, bundle);
            return follow(start(id, bundle, null, output, output, false), output, progress);
        } finally {
            delete(id);
        }
    }

    private static int follow(Task task, Path output, Consumer<String> progress) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(output.toFile(), "r")) {
            byte[] buffer = new byte[8192];
            while (true) {
                boolean alive = !task.exit().isDone();
                int n;
                while ((n = in.read(buffer)) > 0) {
                    progress.accept(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
                if (!alive) {
                    break;
                }
                try {
                    Thread.sleep(FOLLOW_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        }
        Integer code = task.exit().join();
        return code == null ? 255 : code;
    }
}
