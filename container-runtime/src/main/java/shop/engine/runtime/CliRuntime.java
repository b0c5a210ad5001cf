package shop.engine.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import shop.engine.support.EngineException;
import shop.engine.support.HostCommands;
import shop.engine.support.Json;

/**
 * {@link OciRuntime} for crun or runc.
 *
 * <p>Debian's crun 1.8.1 refuses to start anything on a hybrid cgroup host ("cgroups in hybrid
 * mode not supported"): cgroup v1 controllers plus a cgroup2 mount at /sys/fs/cgroup/unified.
 * Every crun call there runs in a mount namespace of its own with that mount removed
 * ({@code unshare -m --propagation slave}), which leaves the host's mounts untouched; as a slave
 * it still receives the host's mount events, so a bind with slave propagation sees what the host
 * mounts under its source (and none can propagate back, which is why shared propagation is
 * refused). Pure v1 and pure v2 hosts need no wrapper, nor does runc.
 *
 * <p>{@code start} is {@code <runtime> run --detach}: the runtime returns once the init runs and
 * leaves it to the engine ({@link InitProcess}). Every runtime command runs under {@code setsid -w}:
 * that keeps the engine's session and its signals (a terminal's Ctrl-C) away from containers, and it
 * tells the helpers crun forks and leaves behind (outside the engine's session, leading none) from
 * the processes the JDK started and reaps itself. The runtime's own errors go to the bundle's
 * runtime.log as JSON lines, so a failed start says why.
 *
 * <p>A process on a terminal is started with {@code --console-socket}, the name of a
 * {@link ConsoleSocket} in the bundle (an exec's in a directory of its own), the runtime running in
 * that directory; the socket is gone once the start or exec returns, with the {@link Console} or
 * with the runtime's reason.
 */
public final class CliRuntime implements OciRuntime {

    /** How long a runtime may take to send a terminal it was asked for (it takes milliseconds). */
    private static final Duration CONSOLE_TIMEOUT = Duration.ofSeconds(10);
    /** How long an exec's terminal stays open after its process exited, for what the process left running. */
    private static final Duration TERMINAL_DRAIN = Duration.ofSeconds(1);
    /** The terminal's socket, in a container's bundle or an exec's directory. */
    private static final String CONSOLE_SOCKET = "console.sock";
    private static final ProcessBuilder.Redirect NO_INPUT = ProcessBuilder.Redirect.from(new File("/dev/null"));

    private final String binary;
    private final Path stateRoot;
    private final boolean unmountUnified;

    public CliRuntime(String binary, Path stateRoot) {
        if (!binary.equals("crun") && !binary.equals("runc")) {
            throw EngineException.invalid("unknown runtime \"" + binary + "\": crun or runc");
        }
        this.binary = binary;
        this.stateRoot = stateRoot;
        this.unmountUnified = binary.equals("crun") && HostLimits.hybridCgroups();
        InitProcess.becomeSubreaper();
    }

    @Override
    public String name() {
        return binary;
    }

    @Override
    public void writeBundle(String id, BundleSpec spec, Path bundle) {
        OciConfig.write(spec, Cgroups.path(id), bundle);
    }

    @Override
    public Started start(String id, Path bundle, Path stdin, Path stdout, Path stderr, boolean terminal) {
        if (terminal && stdin != null) {
            throw new IllegalArgumentException("start " + id + ": on a terminal, stdin is the terminal");
        }
        Path pidFile = bundle.resolve("pid");
        Path log = bundle.resolve("runtime.log");
        try {
            Files.deleteIfExists(pidFile);
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw EngineException.failed("start " + id + ": clear " + bundle + ": " + e.getMessage(), e);
        }
        List<String> args = new ArrayList<>(binary.equals("crun")
                ? List.of("--log=file:" + log, "--log-format=json") : List.of("--log", log.toString(), "--log-format", "json"));
        args.addAll(List.of("run", "--detach", "--bundle", bundle.toString(), "--pid-file", pidFile.toString()));
        try (ConsoleSocket socket = terminal ? ConsoleSocket.listen(bundle.resolve(CONSOLE_SOCKET)) : null) {
            if (socket != null) {
                args.addAll(List.of("--console-socket", socket.name()));
            }
            args.add(id);
            // The container's own stdio is these files (the runtime hands its stdio to the init), or the terminal.
            ProcessBuilder builder = new ProcessBuilder(runtimeCommand(args))
                    .redirectInput(stdin != null ? ProcessBuilder.Redirect.from(stdin.toFile()) : NO_INPUT)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
            if (socket != null) {
                builder.directory(socket.directory().toFile());
            }
            Process runtime = builder.start();
            Optional<Console> console = socket == null ? Optional.empty() : Optional.of(receiveTerminal(id, socket, runtime, log));
            try {
                int code = runtime.waitFor();
                if (code != 0) {
                    throw startFailure(id, log, code);
                }
                Instant started = Instant.now();
                return new Started(InitProcess.started(Long.parseLong(Files.readString(pidFile).strip()), started), console);
            } catch (IOException | RuntimeException | InterruptedException e) {
                console.ifPresent(Console::close);
                throw e;
            }
        } catch (IOException | NumberFormatException e) {
            throw EngineException.failed("start " + id + " with " + binary + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.failed("start " + id + ": interrupted", e);
        }
    }

    /**
     * The terminal a start's runtime sends. Without one the start fails: with the runtime's reason
     * once it has exited, which is all it has left to do, or after {@link #CONSOLE_TIMEOUT}, killed.
     */
    private Console receiveTerminal(String id, ConsoleSocket socket, Process runtime, Path log)
            throws IOException, InterruptedException {
        Optional<Console> console = socket.receive(runtime, CONSOLE_TIMEOUT);
        if (console.isPresent()) {
            return console.get();
        }
        if (!runtime.waitFor(CONSOLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            runtime.destroyForcibly();
            throw EngineException.failed("start " + id + " with " + binary + ": no terminal within "
                    + CONSOLE_TIMEOUT.toSeconds() + " s", null);
        }
        throw runtime.exitValue() != 0 ? startFailure(id, log, runtime.exitValue())
                : EngineException.failed("start " + id + " with " + binary + ": it sent no terminal (its bundle's process asks for none)", null);
    }

    /** The runtime's reason from its log, in Docker's (runc's) wording, which the docker CLI turns into exit status 127. */
    private EngineException startFailure(String id, Path log, int code) {
        String why = errors(log).orElse(binary + " exited with " + code)
                .replaceAll("executable file `([^`]*)` not found in \\$PATH: No such file or directory",
                        "exec: \"$1\": executable file not found in \\$PATH");
        return why.contains("not found") || why.contains("ermission denied")
                ? EngineException.invalid("start " + id.substring(0, Math.min(12, id.length())) + ": " + why)
                : EngineException.failed("start " + id + " with " + binary + ": " + why, null);
    }

    @Override
    public void kill(String id, String signal) {
        HostCommands.run(runtimeCommand(List.of("kill", id, signal)), null, "kill " + id + " with " + signal);
    }

    @Override
    public void pause(String id) {
        HostCommands.run(runtimeCommand(List.of("pause", id)), null, "pause " + id);
    }

    @Override
    public void resume(String id) {
        HostCommands.run(runtimeCommand(List.of("resume", id)), null, "resume " + id);
    }

    @Override
    public int exec(String id, Path bundle, ExecProcess process, InputStream stdin, OutputStream stdout,
                    OutputStream stderr, Duration timeout, ExecTerminal terminal) {
        if (terminal != null && binary.equals("runc")) {
            // runc takes a console socket for an exec only with --detach, and then leaves the process's
            // status to its parent, the engine, whose reaper takes such orphans of a container.
            throw EngineException.invalid("exec in " + id + " on a terminal: runc sends a terminal only for exec --detach; use crun");
        }
        try {
            Path processJson = Files.createTempFile("exec-" + id, ".json");
            Path pidFile = processJson.resolveSibling(processJson.getFileName() + ".pid");
            try {
                Files.write(processJson, Json.bytes(OciConfig.execProcess(bundle, process,
                        terminal == null ? null : terminal.size())));
                List<String> options = List.of("exec", "--pid-file", pidFile.toString(), "--process", processJson.toString());
                return terminal == null
                        ? execPiped(id, options, stdin, stdout, stderr, timeout, pidFile)
                        : execOnTerminal(id, options, stdin, stdout, stderr, timeout, pidFile, terminal);
            } finally {
                Files.deleteIfExists(processJson);
                Files.deleteIfExists(pidFile);
            }
        } catch (IOException e) {
            throw EngineException.failed("exec in " + id + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.failed("exec in " + id + ": interrupted", e);
        }
    }

    private int execPiped(String id, List<String> options, InputStream stdin, OutputStream stdout, OutputStream stderr,
                          Duration timeout, Path pidFile) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(options);
        command.add(id);
        ProcessBuilder builder = new ProcessBuilder(runtimeCommand(command));
        if (stdin == null) {
            builder.redirectInput(NO_INPUT);
        }
        Process p = builder.start();
        Thread in = stdin == null ? null : pump(stdin, p.getOutputStream(), true, "stdin of exec in " + id);
        Thread err = pump(p.getErrorStream(), stderr, false, "stderr of exec in " + id);
        Thread out = pump(p.getInputStream(), stdout, false, "stdout of exec in " + id);
        int code = awaitExec(p, timeout, pidFile);
        out.join();
        err.join();
        stopFeeding(in);
        return code;
    }

    /**
     * An exec on a terminal. Its socket has a directory of its own, where a short name will do (one
     * made from the process file's would not fit a socket address). The runtime's own output, both
     * its streams, goes to {@code stderr};
     * without a terminal from it (it failed first, and says why there) its status is the exec's. Once
     * the process has exited, what it left in the terminal is read up to the hang-up; something it
     * started that keeps the terminal open is hung up after {@link #TERMINAL_DRAIN}, or the exec
     * would last as long as that.
     */
    private int execOnTerminal(String id, List<String> options, InputStream stdin, OutputStream stdout,
                               OutputStream stderr, Duration timeout, Path pidFile, ExecTerminal terminal)
            throws IOException, InterruptedException {
        Path directory = Files.createTempDirectory("exec-" + id);
        try (ConsoleSocket socket = ConsoleSocket.listen(directory.resolve(CONSOLE_SOCKET))) {
            List<String> command = new ArrayList<>(options);
            command.addAll(List.of("--console-socket", socket.name(), id));
            Process p = new ProcessBuilder(runtimeCommand(command))
                    .directory(socket.directory().toFile())
                    .redirectInput(NO_INPUT)
                    .redirectErrorStream(true)
                    .start();
            Thread runtimeOutput = pump(p.getInputStream(), stderr, false, "runtime output of exec in " + id);
            Optional<Console> received = socket.receive(p, CONSOLE_TIMEOUT);
            if (received.isEmpty()) {
                if (!p.waitFor(CONSOLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    killExecuted(pidFile);
                    p.destroyForcibly();
                }
                int code = p.waitFor();
                runtimeOutput.join();
                return code;
            }
            try (Console console = received.get()) {
                terminal.opened().accept(console);
                Thread in = stdin == null ? null : pump(stdin, console.outputStream(), false, "stdin of exec in " + id);
                Thread out = relay(console, stdout, "terminal of exec in " + id);
                int code = awaitExec(p, timeout, pidFile);
                out.join(TERMINAL_DRAIN.toMillis());
                console.close();
                out.join();
                runtimeOutput.join();
                stopFeeding(in);
                return code;
            }
        } finally {
            Files.deleteIfExists(directory);
        }
    }

    /** Waits for an exec's runtime, and so its process; kills the process when it overruns {@code timeout}. */
    private static int awaitExec(Process runtime, Duration timeout, Path pidFile) throws IOException, InterruptedException {
        if (timeout != null && !runtime.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            killExecuted(pidFile);
        }
        return runtime.waitFor();
    }

    /** The process is gone; a client still sending input must not keep the exec open. */
    private static void stopFeeding(Thread in) {
        if (in != null) {
            in.interrupt();
        }
    }

    /**
     * Kills an exec'd process and what it started. The runtime waits for it, so its pid cannot have
     * been reused; descendants go first, or they would be handed to the container's init and live on.
     */
    private static void killExecuted(Path pidFile) throws IOException {
        String pid = Files.exists(pidFile) ? Files.readString(pidFile).strip() : "";
        if (!pid.matches("\\d+")) {
            return;
        }
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(process -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        });
    }

    /** Copies on its own thread; with {@code closeTarget}, closes the target at the end (stdin's EOF). */
    private static Thread pump(InputStream from, OutputStream to, boolean closeTarget, String name) {
        return daemon(name, () -> {
            try {
                from.transferTo(to);
                to.flush();
            } catch (IOException e) {
                // The process exited, or the client went away: the copy is over either way.
            } finally {
                if (closeTarget) {
                    try {
                        to.close();
                    } catch (IOException ignored) {
                        // Already closed by the process's exit.
                    }
                }
            }
        });
    }

    /**
     * Copies what a terminal shows to {@code to} on its own thread until it hangs up or is closed,
     * flushing each chunk: an echo that waits in a caller's buffer is a keystroke that seems lost.
     */
    private static Thread relay(Console console, OutputStream to, String name) {
        return daemon(name, () -> {
            byte[] chunk = new byte[8192];
            try {
                for (int n; (n = console.inputStream().read(chunk)) >= 0; ) {
                    to.write(chunk, 0, n);
                    to.flush();
                }
            } catch (IOException e) {
                // The client went away: the copy is over.
            }
        });
    }

    private static Thread daemon(String name, Runnable copy) {
        Thread t = new Thread(copy, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public void delete(String id) {
        if (Files.exists(stateRoot.resolve(id))) {
            try {
                HostCommands.run(runtimeCommand(List.of("delete", "--force", id)), null, "delete " + id);
            } catch (EngineException e) {
                // Deleted meanwhile by the container's exit (crun: "cannot rm state directory"): done all the same.
                if (Files.exists(stateRoot.resolve(id))) {
                    throw e;
                }
            }
        }
    }

    /** The error messages of the runtime's JSON log, joined; empty when it logged none. */
    private static Optional<String> errors(Path log) {
        try {
            if (!Files.exists(log)) {
                return Optional.empty();
            }
            List<String> messages = new ArrayList<>();
            for (String line : Files.readAllLines(log)) {
                JsonNode entry = line.isBlank() ? null : Json.MAPPER.readTree(line);
                if (entry != null && entry.path("level").asText().equals("error")) {
                    messages.add(entry.path("msg").asText());
                }
            }
            return messages.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", messages));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** {@code setsid -w <runtime> --root <state> args}, on hybrid hosts behind the unshare. */
    private List<String> runtimeCommand(List<String> args) {
        List<String> command = new ArrayList<>();
        if (unmountUnified) {
            command.addAll(List.of("unshare", "-m", "--propagation", "slave",
                    "sh", "-c", "umount /sys/fs/cgroup/unified && exec \"$@\"", "sh"));
        }
        command.addAll(List.of("setsid", "-w"));
        command.add(binary);
        command.add("--root");
        command.add(stateRoot.toString());
        command.addAll(args);
        return command;
    }
}
