package shop.engine.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import shop.engine.Commands;
import shop.engine.EngineException;
import shop.engine.Json;

/**
 * {@link OciRuntime} for crun or runc.
 *
 * <p>Debian's crun 1.8.1 refuses to start anything on a hybrid cgroup host ("cgroups in hybrid
 * mode not supported"): cgroup v1 controllers plus a cgroup2 mount at /sys/fs/cgroup/unified.
 * Every crun call there runs in a private mount namespace with that mount removed
 * ({@code unshare -m --propagation private}), which leaves the host's mounts untouched; pure v1
 * and pure v2 hosts need no wrapper, nor does runc.
 *
 * <p>{@code run} goes through {@code setsid sh}: the shell waits for {@code <runtime> run} and
 * writes its exit status to the bundle, so the status survives the engine; setsid keeps the
 * engine's signals and session away from the container.
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
    public ProcessHandle run(String id, Path bundle, Path stdout, Path stderr) {
        try {
            Files.deleteIfExists(bundle.resolve("exitcode"));
            Files.deleteIfExists(bundle.resolve("pid"));
        } catch (IOException e) {
            throw EngineException.failed("start " + id + ": clear " + bundle + ": " + e.getMessage(), e);
        }
        List<String> command = new ArrayList<>(List.of("setsid"));
        command.addAll(wrapped(List.of("sh", "-c",
                "\"$@\"; echo $? > \"$SHOP_EXITCODE.tmp\" && mv \"$SHOP_EXITCODE.tmp\" \"$SHOP_EXITCODE\"", "sh"),
                List.of("run", "--bundle", bundle.toString(), "--pid-file", bundle.resolve("pid").toString(), id)));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
        builder.environment().put("SHOP_EXITCODE", bundle.resolve("exitcode").toString());
        try {
            return builder.start().toHandle();
        } catch (IOException e) {
            throw EngineException.failed("start " + id + " with " + binary + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Integer exitCode(Path bundle) {
        try {
            Path file = bundle.resolve("exitcode");
            return Files.exists(file) ? Integer.valueOf(Files.readString(file).strip()) : null;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    @Override
    public long pid(Path bundle) {
        try {
            Path file = bundle.resolve("pid");
            return Files.exists(file) ? Long.parseLong(Files.readString(file).strip()) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public void kill(String id, String signal) {
        Commands.run(runtimeCommand(List.of("kill", id, signal)), null, "kill " + id + " with " + signal);
    }

    @Override
    public int exec(String id, List<String> args, List<String> env, String cwd, int uid, int gid, Path stdout, Path stderr) {
        try {
            Path processJson = Files.createTempFile("exec-" + id, ".json");
            try {
                Files.write(processJson, Json.bytes(OciConfig.process(args, env, cwd, uid, gid, List.of())));
                Process p = new ProcessBuilder(runtimeCommand(List.of("exec", "--process", processJson.toString(), id)))
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
                        .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()))
                        .start();
                return p.waitFor();
            } finally {
                Files.deleteIfExists(processJson);
            }
        } catch (IOException e) {
            throw EngineException.failed("exec in " + id + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.failed("exec in " + id + ": interrupted", e);
        }
    }

    @Override
    public void delete(String id) {
        if (Files.exists(stateRoot.resolve(id))) {
            Commands.run(runtimeCommand(List.of("delete", "--force", id)), null, "delete " + id);
        }
    }

    private List<String> runtimeCommand(List<String> args) {
        return wrapped(List.of(), args);
    }

    /** {@code <runtime> --root <state> args}, behind {@code shell} and, on hybrid hosts, the unshare. */
    private List<String> wrapped(List<String> shell, List<String> args) {
        List<String> command = new ArrayList<>();
        if (unmountUnified) {
            command.addAll(List.of("unshare", "-m", "--propagation", "private",
                    "sh", "-c", "umount /sys/fs/cgroup/unified && exec \"$@\"", "sh"));
        }
        command.addAll(shell);
        command.add(binary);
        command.add("--root");
        command.add(stateRoot.toString());
        command.addAll(args);
        return command;
    }
}
