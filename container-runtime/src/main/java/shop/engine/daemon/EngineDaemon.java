package shop.engine.daemon;

import java.io.File;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import shop.engine.support.EngineException;

/**
 * The bundled engine's daemon of a state directory, as its clients find it: {@code <state>/engine.sock}.
 *
 * <p>Lifecycle: {@link #ensureRunning} finds the daemon by its socket; one that serves other code than
 * this program's (its {@code engine.code} holds an older {@link #codeStamp}) is stopped as SIGTERM stops
 * it, its containers left running for the next daemon to take over; when nothing answers, {@code serve}
 * is started from this program in a session of its own, and the call returns once the socket answers.
 * The daemon notes its pid in {@code engine.pid} and its code stamp in {@link #codeFile} when it serves.
 */
public final class EngineDaemon {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    /**
     * The daemon's live heap is about 20 MB (it streams layers, contexts and logs), but with the
     * JVM's defaults (a quarter of the machine) its garbage took it to 940 MB during `fig up` (1.7 GB
     * in the stack-up benchmark), and it kept most of it. Bounded, shrunk after collections and
     * collected when idle, it peaked at 390 MB and settled at 200 MB (PSS) with the stack running.
     */
    private static final List<String> DAEMON_JVM_OPTIONS = List.of("-Xmx384m", "-XX:MinHeapFreeRatio=10",
            "-XX:MaxHeapFreeRatio=30", "-XX:G1PeriodicGCInterval=30000");

    private EngineDaemon() {
    }

    /** The bundled engine's socket for a state directory. */
    public static Path socket(Path state) {
        return state.toAbsolutePath().resolve("engine.sock");
    }

    /**
     * The socket of the daemon of {@code state}, running this program: restarted if it runs other
     * code, started with this OCI runtime if none answers. A daemon already running keeps the runtime
     * it was started with, as a Docker daemon keeps its configuration whatever its clients ask.
     */
    public static Path ensureRunning(Path state, String runtime) {
        Path socket = socket(state);
        if (answers(socket) && servesOtherCode(state)) {
            stop(state);
        }
        if (!answers(socket)) {
            start(state, runtime, socket);
        }
        return socket;
    }

    /**
     * When this program last changed: the newest entry of its class path (the engine's jar). The
     * daemon notes it in {@code <state>/engine.code}; a client whose program differs restarts it.
     * Without that, rebuilding the jar under a running daemon (a developer's `./fig up` after a
     * pull) left it loading classes from a file that had changed, and it stopped answering.
     */
    public static String codeStamp() {
        long newest = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            try {
                newest = Math.max(newest, Files.getLastModifiedTime(Path.of(entry)).toMillis());
            } catch (IOException | InvalidPathException e) {
                // An entry that is not there adds no code.
            }
        }
        return Long.toString(newest);
    }

    /** The file where a daemon notes the {@link #codeStamp} of the program it runs. */
    public static Path codeFile(Path state) {
        return state.toAbsolutePath().resolve("engine.code");
    }

    /** True when something accepts connections on the socket (a stale socket file does not). */
    public static boolean answers(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean servesOtherCode(Path state) {
        try {
            return !Files.readString(codeFile(state)).strip().equals(codeStamp());
        } catch (IOException e) {
            return true; // a daemon from before engines noted their code
        }
    }

    /** True for an engine's {@code serve}, from /proc: ProcessHandle gives no arguments for a command line of 20 kB (a class path). */
    private static boolean serves(ProcessHandle process) {
        try {
            return List.of(Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline")).split("\0"))
                    .contains("serve");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Stops the daemon of {@code engine.pid} as SIGTERM does (its containers keep running, and the
     * next engine takes them over with their ports) and waits until it has exited.
     */
    private static void stop(Path state) {
        Optional<ProcessHandle> daemon;
        try {
            daemon = ProcessHandle.of(Long.parseLong(Files.readString(state.resolve("engine.pid")).strip()))
                    .filter(EngineDaemon::serves);
        } catch (IOException | NumberFormatException e) {
            daemon = Optional.empty();
        }
        if (daemon.isEmpty()) {
            return; // not ours to stop: keep using it
        }
        // The CLI's user should know why the engine's log starts again.
        System.err.println("the engine's program changed since it started: restarting it (containers keep running)");
        daemon.get().destroy();
        try {
            daemon.get().onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            daemon.get().destroyForcibly();
            daemon.get().onExit().join();
        } catch (ExecutionException e) {
            throw EngineException.failed("stop the engine: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.failed("interrupted while stopping the engine", e);
        }
    }

    /**
     * Starts {@code serve} from this very program (jar or class path) in its own session, so a
     * Ctrl-C meant for the client does not reach it and it outlives the client; waits until the
     * socket answers. Its output goes to {@code <state>/engine.log}.
     *
     * <p>A jar runs from a copy in the state directory (mtime kept, so its code stamp is the
     * original's): a build that replaces target/shop-engine.jar under a running daemon broke it at
     * its next class load (it answered _ping and nothing else) until a client came to restart it.
     * From a class path (the tests) the CLI's main class is named, not imported: the CLI uses this
     * package, not the other way round.
     */
    private static void start(Path state, String runtime, Path socket) {
        String javaBinary = ProcessHandle.current().info().command().orElse("java");
        String classPath = System.getProperty("java.class.path");
        List<String> command = new ArrayList<>(List.of("setsid", javaBinary));
        command.addAll(DAEMON_JVM_OPTIONS);
        if (classPath.endsWith(".jar") && !classPath.contains(File.pathSeparator)) {
            command.addAll(List.of("-jar", copyOfJar(Path.of(classPath), state).toString()));
        } else {
            command.addAll(List.of("-cp", classPath, "shop.engine.cli.Main"));
        }
        command.addAll(List.of("--root", state.toAbsolutePath().toString(), "--runtime", runtime, "serve", "-H",
                socket.toString()));
        Path log = state.toAbsolutePath().resolve("engine.log");
        try {
            Files.createDirectories(state);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectErrorStream(true);
            // glibc's per-thread malloc arenas kept about 150 MB the JDK's native code had freed.
            builder.environment().put("MALLOC_ARENA_MAX", "2");
            Process daemon = builder.start();
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!answers(socket)) {
                if (!daemon.isAlive() || System.nanoTime() > deadline) {
                    throw EngineException.failed("the engine did not start on " + socket + "; see " + log + ":\n"
                            + tail(log), null);
                }
                Thread.sleep(50);
            }
        } catch (IOException e) {
            throw EngineException.failed("start the engine (" + String.join(" ", command) + "): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.failed("interrupted while starting the engine", e);
        }
    }

    private static Path copyOfJar(Path jar, Path state) {
        Path copy = state.toAbsolutePath().resolve("engine.jar");
        try {
            Files.createDirectories(copy.getParent());
            Path temp = Files.createTempFile(copy.getParent(), "engine", ".jar.tmp");
            Files.copy(jar, temp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            Files.move(temp, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return copy;
        } catch (IOException e) {
            throw EngineException.failed("copy the engine's jar " + jar + " to " + copy + ": " + e.getMessage(), e);
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }
}
