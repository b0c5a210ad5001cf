package shop.engine.runtime;

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
import com.fasterxml.jackson.databind.JsonNode;
import shop.engine.Commands;
import shop.engine.EngineException;
import shop.engine.Json;

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
 */
public final class CliRuntime implements OciRuntime {

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

    /** {@code <id>} nested under the engine's own cgroup. */
    public static String cgroupsPath(String id) {
        String parent = HostLimits.parentCgroup();
        return (parent.endsWith("/") ? parent : parent + "/") + "shop-engine/" + id;
    }

    @Override
    public void writeBundle(BundleSpec spec, Path bundle) {
        OciConfig.write(spec, bundle);
    }

    @Override
    public InitProcess start(String id, Path bundle, Path stdin, Path stdout, Path stderr) {
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
        args.addAll(List.of("run", "--detach", "--bundle", bundle.toString(), "--pid-file", pidFile.toString(), id));
        // The container's own stdio is these files: the runtime hands its stdio to the init.
        ProcessBuilder builder = new ProcessBuilder(runtimeCommand(args))
                .redirectInput(ProcessBuilder.Redirect.from((stdin != null ? stdin : Path.of("/dev/null")).toFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
        try {
            int code = builder.start().waitFor();
            if (code != 0) {
                // Docker's (runc's) wording, which the docker CLI turns into exit status 127.
                String why = errors(log).orElse(binary + " exited with " + code)
                        .replaceAll("executable file `([^`]*)` not found in \\$PATH: No such file or directory",
                                "exec: \"$1\": executable file not found in \\$PATH");
                throw why.contains("not found") || why.contains("ermission denied")
                        ? EngineException.invalid("start " + id.substring(0, Math.min(12, id.length())) + ": " + why)
                        : EngineException.failed("start " + id + " with " + binary + ": " + why, null);
            }
            Instant started = Instant.now();
            return InitProcess.started(Long.parseLong(Files.readString(pidFile).strip()), started);
        } catch (IOException | NumberFormatException e) {
            throw EngineException.failed("start " + id + " with " + binary + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.failed("start " + id + ": interrupted", e);
        }
    }

    @Override
    public void kill(String id, String signal) {
        Commands.run(runtimeCommand(List.of("kill", id, signal)), null, "kill " + id + " with " + signal);
    }

    @Override
    public void pause(String id) {
        Commands.run(runtimeCommand(List.of("pause", id)), null, "pause " + id);
    }

    @Override
    public void resume(String id) {
        Commands.run(runtimeCommand(List.of("resume", id)), null, "resume " + id);
    }

    @Override
    public int exec(String id, Path bundle, ExecProcess process, InputStream stdin, OutputStream stdout,
                    OutputStream stderr, Duration timeout) {
        try {
            Path processJson = Files.createTempFile("exec-" + id, ".json");
            Path pidFile = processJson.resolveSibling(processJson.getFileName() + ".pid");
            try {
                Files.write(processJson, Json.bytes(OciConfig.execProcess(bundle, process)));
                ProcessBuilder builder = new ProcessBuilder(runtimeCommand(List.of("exec", "--pid-file", pidFile.toString(),
                        "--process", processJson.toString(), id)));
                if (stdin == null) {
                    builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
                }
                Process p = builder.start();
                Thread in = stdin == null ? null : pump(stdin, p.getOutputStream(), true, "stdin of exec in " + id);
                Thread err = pump(p.getErrorStream(), stderr, false, "stderr of exec in " + id);
                Thread out = pump(p.getInputStream(), stdout, false, "stdout of exec in " + id);
                if (timeout != null && !p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    killExecuted(pidFile);
                }
                int code = p.waitFor();
                out.join();
                err.join();
                if (in != null) {
                    // The process is gone; a client still sending input must not keep this call open.
                    in.interrupt();
                }
                return code;
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
        Thread t = new Thread(() -> {
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
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public void delete(String id) {
        if (Files.exists(stateRoot.resolve(id))) {
            Commands.run(runtimeCommand(List.of("delete", "--force", id)), null, "delete " + id);
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
