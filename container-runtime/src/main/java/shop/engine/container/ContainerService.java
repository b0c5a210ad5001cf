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

    /**
     * What a caller asks for; null fields fall back to the image's config.
     *
     * @param networks aliases per network to join besides the one HostConfig.NetworkMode names
     *                 (Docker's NetworkingConfig.EndpointsConfig); may be empty
     */
    record CreateRequest(String name, String image, ContainerConfig config, HostConfig hostConfig,
                         java.util.Map<String, List<String>> networks) {

        public CreateRequest(String name, String image, ContainerConfig config, HostConfig hostConfig) {
            this(name, image, config, hostConfig, java.util.Map.of());
        }
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

    /**
     * Which logs, Docker's way: {@code tail} lines (-1 for all), written at or after {@code since}
     * (null for any time), with their times in front; with {@code follow}, until the container stops.
     */
    record LogOptions(boolean follow, int tail, boolean timestamps, java.time.Instant since) {

        public static final LogOptions ALL = new LogOptions(false, -1, false, null);
    }

    void logs(String idOrName, LogOptions options, OutputStream stdout, OutputStream stderr);

    /**
     * Feeds a running container's stdin (one created with OpenStdin) from {@code in} until it ends;
     * with StdinOnce the container's stdin ends with it.
     */
    void attachStdin(String idOrName, java.io.InputStream in);

    /** Runs a process in a running container; returns its exit code. */
    int exec(String idOrName, List<String> cmd, List<String> env, String user, java.io.InputStream stdin,
             OutputStream stdout, OutputStream stderr);

    /** Joins a network, wired at once when the container runs; names resolve from then on. */
    void connect(String idOrName, String network, List<String> aliases);

    void disconnect(String idOrName, String network);

    /** Re-adopts running containers and settles those that exited while no engine watched. */
    void recover();

    /** Stops supervising (health checks, restarts, published ports) without touching the containers. */
    void close();
}
