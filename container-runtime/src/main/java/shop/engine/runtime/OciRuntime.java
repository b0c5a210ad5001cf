package shop.engine.runtime;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An OCI runtime (crun, or runc) driven through its command line; no namespace code runs in the JVM.
 *
 * <p>Lifecycle: {@link #writeBundle} writes config.json; {@link #start} starts the container
 * detached, its stdout and stderr going straight to files, or to a new terminal whose
 * {@link Console} it hands back, and returns its init once it runs (or fails with the runtime's
 * reason); the init runs in its own session, so it outlives an engine restart (one on a terminal
 * does not, see {@link Console}), and the engine itself watches it ({@link InitProcess}), with no
 * process of the runtime's left behind. {@link #kill} signals it, {@link #exec} runs another process
 * in it, and {@link #delete} removes the runtime's record once it has exited (or forcibly).
 */
public interface OciRuntime {

    /**
     * A started container: its init, and the terminal it runs on when one was asked for. Whoever
     * holds the console keeps reading it for as long as the container runs (its stdout.log is that
     * output then) and closes it after the exit.
     */
    record Started(InitProcess init, Optional<Console> console) {
    }

    /**
     * A terminal for an exec'd process: its first size, and who is handed its console, to resize it,
     * once the runtime has sent it. The console is closed when the exec returns. crun 1.8 sets the
     * first size from outside just after the process has started, so one that asks at once may still
     * see 0 x 0 (4 of 40 {@code stty size} did here); a container's first process gets it before it
     * starts.
     */
    record ExecTerminal(TerminalSize size, Consumer<Console> opened) {
    }

    String name();

    /** Writes the bundle of container {@code id}: its config.json, the container's cgroup named after it. */
    void writeBundle(String id, BundleSpec spec, Path bundle);

    /**
     * Starts {@code id} from its bundle and returns its running init. Its stdin reads {@code stdin}
     * (a FIFO the engine holds open), or /dev/null when that is null. With {@code terminal}, which
     * the bundle must ask for too ({@link BundleSpec#terminal}), its stdio is a new terminal instead,
     * returned with the init; {@code stdin} must then be null, and {@code stdout} and {@code stderr}
     * get only what the runtime itself prints.
     */
    Started start(String id, Path bundle, Path stdin, Path stdout, Path stderr, boolean terminal);

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
     *
     * <p>With {@code terminal} (null for none) the process runs on a new terminal: {@code stdout}
     * gets what it shows, {@code stdin} is typed into it (its end ends nothing: type Ctrl-D), and
     * {@code stderr} gets only what the runtime itself prints. crun only: runc sends an exec's
     * terminal only with {@code --detach}, which leaves the status to collect.
     */
    int exec(String id, Path bundle, ExecProcess process, java.io.InputStream stdin, java.io.OutputStream stdout,
             java.io.OutputStream stderr, Duration timeout, ExecTerminal terminal);

    void delete(String id);
}
