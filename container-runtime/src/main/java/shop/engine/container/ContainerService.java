package shop.engine.container;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import shop.engine.image.ContainerConfig;
import shop.engine.image.Image;
import shop.engine.runtime.OciRuntime;
import shop.engine.runtime.ResourceUsage;
import shop.engine.snapshot.Change;

/**
 * Containers and their lifecycle, supervised by the engine itself.
 *
 * <p>Lifecycle: {@link #create} resolves the image, mounts the container's overlay snapshot
 * (so files can be written into it before it starts), resolves the user and writes the OCI
 * bundle: "created". {@link #start} runs it through the OCI runtime: "running"; {@link #pause}
 * freezes it ("paused") until {@link #unpause}. When its init exits the exit code is recorded
 * ("exited") and the restart policy may start it again; a healthcheck, if any, runs in it
 * meanwhile. {@link #stop} sends the stop signal and SIGKILL after the timeout. {@link #remove}
 * deletes the runtime state, the mount and the record. Records live on disk, so an engine that
 * restarts re-adopts containers that kept running ({@link #recover}).
 */
public interface ContainerService {

    /**
     * What a caller asks for; null fields fall back to the image's config.
     *
     * @param networks aliases per network to join besides the one HostConfig.NetworkMode names
     *                 (Docker's NetworkingConfig.EndpointsConfig); may be empty
     */
    record CreateRequest(String name, String image, ContainerConfig config, HostConfig hostConfig,
                         Map<String, List<String>> networks) {

        public CreateRequest(String name, String image, ContainerConfig config, HostConfig hostConfig) {
            this(name, image, config, hostConfig, Map.of());
        }
    }

    Container create(CreateRequest request);

    void start(String idOrName);

    void stop(String idOrName, int timeoutSeconds);

    /** Stops (as {@link #stop}) a running container, then starts it again; starts a stopped one. */
    void restart(String idOrName, int timeoutSeconds);

    void kill(String idOrName, String signal);

    /** Freezes every process of a running container (the cgroup freezer); a 409 when it is not running or already paused. */
    void pause(String idOrName);

    /** Thaws a paused container; a 409 when it is not paused. */
    void unpause(String idOrName);

    /** Gives the container a new name, free among all containers; names resolve by it from then on. */
    void rename(String idOrName, String newName);

    /** Docker's wait conditions: NOT_RUNNING returns at once for a created container, NEXT_EXIT waits for a run to end. */
    enum WaitCondition { NOT_RUNNING, NEXT_EXIT, REMOVED }

    /**
     * Blocks until the condition holds; returns the exit code. {@code armed} runs once the wait has
     * taken its starting point: an exit after it counts as NEXT_EXIT's (the API answers its headers
     * then, and the docker CLI starts the container only after it has them).
     */
    int await(String idOrName, WaitCondition condition, Runnable armed);

    default int await(String idOrName, WaitCondition condition) {
        return await(idOrName, condition, () -> { });
    }

    /** With {@code removeVolumes} (Docker's {@code rm -v}), its anonymous volumes go too, unless another container mounts them. */
    void remove(String idOrName, boolean force, boolean removeVolumes);

    default void remove(String idOrName, boolean force) {
        remove(idOrName, force, false);
    }

    Container inspect(String idOrName);

    List<Container> list(boolean all);

    /**
     * Which logs, Docker's way: {@code tail} lines (-1 for all), written at or after {@code since}
     * (null for any time), with their times in front; with {@code follow}, until the container stops.
     */
    record LogOptions(boolean follow, int tail, boolean timestamps, Instant since) {

        public static final LogOptions ALL = new LogOptions(false, -1, false, null);
    }

    void logs(String idOrName, LogOptions options, OutputStream stdout, OutputStream stderr);

    /**
     * Feeds a running container's stdin (one created with OpenStdin) from {@code in} until it ends;
     * with StdinOnce the container's stdin ends with it. On a terminal (Tty) the input is typed into
     * the terminal instead, control characters and all, and its end ends nothing, as on Docker.
     */
    void attachStdin(String idOrName, InputStream in);

    /**
     * Sets the size of a running container's terminal; a 400 for a container created without a
     * TTY, a 409 for one that is not running.
     */
    void resize(String idOrName, int rows, int cols);

    /**
     * A process to run in a running container; null fields take the container's (user, working
     * directory). It has the container's capabilities and limits, or every capability when privileged.
     */
    record ExecRequest(List<String> cmd, List<String> env, String user, String workingDir, boolean privileged) {

        public ExecRequest(List<String> cmd, List<String> env, String user, String workingDir) {
            this(cmd, env, user, workingDir, false);
        }
    }

    /** Runs a process in a running container; returns its exit code. */
    default int exec(String idOrName, ExecRequest request, InputStream stdin, OutputStream stdout, OutputStream stderr) {
        return exec(idOrName, request, stdin, stdout, stderr, null);
    }

    /**
     * Runs a process in a running container, on a new terminal when {@code terminal} is not null
     * ({@link OciRuntime#exec} says what goes where then); returns its exit code.
     */
    int exec(String idOrName, ExecRequest request, InputStream stdin, OutputStream stdout, OutputStream stderr,
             OciRuntime.ExecTerminal terminal);

    /** Joins a network, wired at once when the container runs; names resolve from then on. */
    void connect(String idOrName, String network, List<String> aliases);

    void disconnect(String idOrName, String network);

    /** {@code ps} over the container's processes, as {@code docker top} shows them. */
    record Processes(List<String> titles, List<List<String>> rows) {
    }

    /** The container's processes, listed by the host's {@code ps} with {@code psArgs} (default {@code -ef}). */
    Processes top(String idOrName, String psArgs);

    /** What the container uses now: CPU time, memory, processes, network and block I/O. */
    ResourceUsage stats(String idOrName);

    /** What the container changed in its filesystem against its image. */
    List<Change> changes(String idOrName);

    /** The container's whole filesystem (its image with its changes) as a tar. */
    void export(String idOrName, OutputStream tar);

    /** What Docker says of a path in a container: its name, size, mode (Go's FileMode bits), mtime and link target. */
    record PathStat(String name, long size, long mode, Instant mtime, String linkTarget) {
    }

    /** The path as the container sees it (through its volumes and binds); a 404 when there is none. */
    PathStat stat(String idOrName, String path);

    /** The file or directory at {@code path} as a tar whose top entry is its base name. */
    void copyOut(String idOrName, String path, OutputStream tar);

    /**
     * Unpacks a tar into the directory {@code path} of a created or running container. The tar is
     * checked whole before anything is written: {@code ..}, absolute names, entries through a
     * symlink and, with {@code noOverwriteDirNonDir}, a directory replacing a file or the reverse
     * are refused and nothing is written.
     */
    void copyIn(String idOrName, String path, InputStream tar, boolean noOverwriteDirNonDir);

    /** Docker's commit: the container's changes as a new layer on its image, with {@code config} changes. */
    record CommitRequest(String reference, String comment, String author, ContainerConfig config, boolean pause) {
    }

    Image commit(String idOrName, CommitRequest request);

    /** Re-adopts running containers and settles those that exited while no engine watched. */
    void recover();

    /** Stops supervising (health checks, restarts, published ports) without touching the containers. */
    void close();
}
