package shop.engine.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * An OCI runtime (crun, or runc) driven through its command line; no namespace code runs in the JVM.
 *
 * <p>Lifecycle: {@link #writeBundle} writes config.json; {@link #start} starts the container
 * detached, its stdout and stderr going straight to files, and returns its init once it runs
 * (or fails with the runtime's reason); the init runs in its own session, so it outlives an engine
 * restart, and the engine itself watches it ({@link InitProcess}), with no process of the
 * runtime's left behind. {@link #kill} signals it, {@link #exec} runs another process in it, and
 * {@link #delete} removes the runtime's record once it has exited (or forcibly).
 */
public interface OciRuntime {

    String name();

    void writeBundle(BundleSpec spec, Path bundle);

    /**
     * Starts {@code id} from its bundle and returns its running init. Its stdin reads {@code stdin}
     * (a FIFO the engine holds open), or /dev/null when that is null.
     */
    InitProcess start(String id, Path bundle, Path stdin, Path stdout, Path stderr);

    void kill(String id, String signal);

    /** Freezes every process of the container (the cgroup freezer), as {@code <runtime> pause}. */
    void pause(String id);

    /** Thaws a paused container. */
    void resume(String id);

    /**
     * A process to run in a running container: the container's own process (capabilities, limits)
     * with this command, environment, directory and user; privileged gets every capability.
     */
    record ExecProcess(List<String> args, List<String> env, String cwd, int uid, int gid, List<Integer> additionalGids,
                       boolean privileged) {
    }

    /**
     * Runs a process in a running container (whose bundle is {@code bundle}), streaming its output
     * as it comes and feeding it {@code stdin} (null for none) until that ends; returns its exit
     * status. A process still running after {@code timeout} (null: no limit) is killed with its
     * descendants, as Docker kills a healthcheck that overruns, and its status is that of the kill (137).
     */
    int exec(String id, Path bundle, ExecProcess process, java.io.InputStream stdin, java.io.OutputStream stdout,
             java.io.OutputStream stderr, Duration timeout);

    void delete(String id);
}
