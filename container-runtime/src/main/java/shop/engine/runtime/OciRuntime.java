package shop.engine.runtime;

import java.nio.file.Path;
import java.util.List;

/**
 * An OCI runtime (crun, or runc) driven through its command line; no namespace code runs in the JVM.
 *
 * <p>Lifecycle: {@link #writeBundle} writes config.json; {@link #run} starts the container in
 * the background, its stdout and stderr going straight to files, and returns at once; the
 * container runs detached from the engine's session, so it outlives an engine restart, and its
 * exit status lands in the bundle's {@code exitcode} file, where {@link #exitCode} finds it
 * whoever is asking. {@link #kill} signals it, {@link #exec} runs another process in it, and
 * {@link #delete} removes the runtime's record once it has exited (or forcibly).
 */
public interface OciRuntime {

    String name();

    void writeBundle(BundleSpec spec, Path bundle);

    /** Starts {@code id} from its bundle; the returned handle is the supervising process. */
    ProcessHandle run(String id, Path bundle, Path stdout, Path stderr);

    /** The exit status written when the container's init exited, or null while it runs. */
    Integer exitCode(Path bundle);

    /** The container's init pid as the runtime wrote it, or 0 before it started. */
    long pid(Path bundle);

    void kill(String id, String signal);

    /** Runs a process in a running container; returns its exit status. */
    int exec(String id, List<String> args, List<String> env, String cwd, int uid, int gid, Path stdout, Path stderr);

    void delete(String id);
}
