package shop.engine.container;

import java.io.OutputStream;
import java.util.List;
import shop.engine.image.ContainerConfig;

/**
 * Containers and their lifecycle, supervised by the engine itself.
 *
 * <p>Lifecycle: {@link #create} resolves the image, mounts the container's overlay snapshot
 * (so files can be written into it before it starts), resolves the user and writes the OCI
 * bundle: "created". {@link #start} runs it through the OCI runtime: "running". When its init
 * exits the exit code is recorded ("exited") and the restart policy may start it again; a
 * healthcheck, if any, runs in it meanwhile. {@link #stop} sends the stop signal and SIGKILL
 * after the timeout. {@link #remove} deletes the runtime state, the mount and the record. Records
 * live on disk, so an engine that restarts re-adopts containers that kept running
 * ({@link #recover}).
 */
public interface ContainerService {

    /** What a caller asks for; null fields fall back to the image's config. */
    record CreateRequest(String name, String image, ContainerConfig config, HostConfig hostConfig) {
    }

    Container create(CreateRequest request);

    void start(String idOrName);

    void stop(String idOrName, int timeoutSeconds);

    void kill(String idOrName, String signal);

    /** Docker's wait conditions: NOT_RUNNING returns at once for a created container, NEXT_EXIT waits for a run to end. */
    enum WaitCondition { NOT_RUNNING, NEXT_EXIT, REMOVED }

    /** Blocks until the condition holds; returns the exit code. */
    int await(String idOrName, WaitCondition condition);

    void remove(String idOrName, boolean force);

    Container inspect(String idOrName);

    List<Container> list(boolean all);

    /** Copies the logs; with {@code follow}, keeps copying until the container stops. */
    void logs(String idOrName, boolean follow, int tail, OutputStream stdout, OutputStream stderr);

    /** Runs a process in a running container; returns its exit code. */
    int exec(String idOrName, List<String> cmd, List<String> env, String user, OutputStream stdout, OutputStream stderr);

    /** Re-adopts running containers and settles those that exited while no engine watched. */
    void recover();

    /** Stops supervising (health checks, restarts) without touching the containers. */
    void close();
}
