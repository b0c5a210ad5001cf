package shop.engine.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import shop.engine.Engine;
import shop.engine.container.Container;
import shop.engine.container.ContainerService;
import shop.engine.event.EngineEvents;
import shop.engine.runtime.Console;
import shop.engine.runtime.OciRuntime;
import shop.engine.runtime.TerminalSize;
import shop.engine.support.EngineException;
import shop.engine.support.Ids;
import shop.engine.support.Json;

/**
 * Docker's exec instances: {@code POST /containers/{id}/exec} creates one, {@code POST
 * /exec/{id}/start} runs it once (streamed, or detached), {@code GET /exec/{id}/json} tells its
 * exit code. Instances live in memory while their container exists, as dockerd keeps them.
 *
 * <p>One created with {@code Tty} runs on a terminal of its own ({@code docker exec -t}), of
 * {@code ConsoleSize} first, which {@code POST /exec/{id}/resize} changes while it runs. Its output
 * is one stream; as dockerd, the start's own {@code Tty} says whether it is sent raw or in frames.
 */
final class ExecEndpoints implements Router.Endpoints {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };
    private static final TypeReference<List<Integer>> INTEGERS = new TypeReference<>() { };
    /** How long a resize waits for the runtime to hand over the terminal of an exec that is starting. */
    private static final long TERMINAL_WAIT_MS = 5_000;

    /** An exec instance: created, then started once; its exit code stays readable. */
    private static final class Exec {
        final String id;
        final String container;
        final ContainerService.ExecRequest request;
        /** AttachStdin: the client's input becomes the process's stdin (exec -i). */
        final boolean stdin;
        /** The first size of its terminal; null when it runs on none. */
        final TerminalSize terminal;
        /** Its terminal once the runtime has handed it over; null when it ended without one. */
        final CompletableFuture<Console> console = new CompletableFuture<>();
        volatile boolean running;
        volatile Integer exitCode;

        Exec(String id, String container, ContainerService.ExecRequest request, boolean stdin, TerminalSize terminal) {
            this.id = id;
            this.container = container;
            this.request = request;
            this.stdin = stdin;
            this.terminal = terminal;
        }
    }

    private final ContainerService containers;
    private final EngineEvents events;
    private final Map<String, Exec> execs = new ConcurrentHashMap<>();

    ExecEndpoints(Engine engine, EngineEvents events) {
        this.containers = engine.containers();
        this.events = events;
    }

    @Override
    public void register(Router router) {
        router.on("POST", "/containers/([^/]+)/exec", this::create);
        router.on("POST", "/exec/([^/]+)/start", this::start);
        router.on("POST", "/exec/([^/]+)/resize", this::resize);
        router.on("GET", "/exec/([^/]+)/json", call -> {
            Exec exec = exec(call.path(1));
            var out = Json.MAPPER.createObjectNode().put("ID", exec.id).put("ContainerID", exec.container)
                    .put("Running", exec.running).put("ExitCode", exec.exitCode == null ? 0 : exec.exitCode)
                    .put("Pid", 0).put("OpenStdin", exec.stdin).put("OpenStdout", true).put("OpenStderr", true);
            out.putObject("ProcessConfig").put("tty", exec.terminal != null).put("entrypoint", exec.request.cmd().get(0))
                    .put("user", exec.request.user() == null ? "" : exec.request.user()).put("privileged", exec.request.privileged())
                    .set("arguments", Json.MAPPER.valueToTree(exec.request.cmd().subList(1, exec.request.cmd().size())));
            call.json(200, out);
        });
    }

    private void create(Call call) throws IOException {
        JsonNode body = call.body();
        Container c = containers.inspect(call.path(1));
        if (!c.state().running()) {
            throw EngineException.conflict("Container " + c.shortId() + " is not running");
        }
        List<String> cmd = strings(body, "Cmd");
        if (cmd == null || cmd.isEmpty()) {
            throw EngineException.invalid("exec: no command specified (Cmd)");
        }
        TerminalSize terminal = body.path("Tty").asBoolean(false)
                ? Objects.requireNonNullElse(consoleSize(body), TerminalSize.UNSET) : null;
        List<String> env = strings(body, "Env");
        ContainerService.ExecRequest request = new ContainerService.ExecRequest(cmd, env == null ? List.of() : env,
                Call.emptyToNull(body.path("User").asText(null)), Call.emptyToNull(body.path("WorkingDir").asText(null)),
                body.path("Privileged").asBoolean(false));
        forgetExecsOfRemovedContainers();
        String id = Ids.random();
        execs.put(id, new Exec(id, c.id(), request, body.path("AttachStdin").asBoolean(false), terminal));
        events.publish("container", "exec_create: " + String.join(" ", cmd), c.id(), Map.of("execID", id));
        call.json(201, Json.MAPPER.createObjectNode().put("Id", id));
    }

    private static List<String> strings(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw EngineException.invalid(field + ": want a list of strings");
        }
        return Json.MAPPER.convertValue(node, STRINGS);
    }

    /** The body's ConsoleSize, [height, width]; null when absent. */
    private static TerminalSize consoleSize(JsonNode body) {
        JsonNode node = body.get("ConsoleSize");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw EngineException.invalid("ConsoleSize: want [height, width]");
        }
        return TerminalSize.ofConsoleSize(Json.MAPPER.convertValue(node, INTEGERS), "ConsoleSize");
    }

    private void forgetExecsOfRemovedContainers() {
        execs.values().removeIf(e -> e.exitCode != null && containerGone(e.container));
    }

    private boolean containerGone(String id) {
        try {
            containers.inspect(id);
            return false;
        } catch (EngineException e) {
            return e.kind() == EngineException.Kind.NOT_FOUND;
        }
    }

    private Exec exec(String id) {
        Exec exec = execs.get(id);
        if (exec == null) {
            throw EngineException.notFound("No such exec instance: " + id);
        }
        return exec;
    }

    /** Detached: runs in the background. Otherwise hijacks the connection like attach and streams the output. */
    private void start(Call call) throws IOException {
        Exec exec = exec(call.path(1));
        JsonNode body = call.optionalBody();
        synchronized (exec) {
            if (exec.running || exec.exitCode != null) {
                throw EngineException.conflict("exec " + exec.id + " has already been started");
            }
            exec.running = true;
        }
        events.publish("container", "exec_start: " + String.join(" ", exec.request.cmd()), exec.container,
                Map.of("execID", exec.id));
        TerminalSize size = exec.terminal == null ? null : Objects.requireNonNullElse(consoleSize(body), exec.terminal);
        StreamFormat format = StreamFormat.of(body.path("Tty").asBoolean(false));
        HijackedStream.Producer run = (in, out) -> {
            OutputStream stdout = format.stream(out, 1, true);
            OutputStream stderr = format.stream(out, 2, true);
            try {
                exec.exitCode = containers.exec(exec.container, exec.request, exec.stdin ? in : null, stdout, stderr,
                        size == null ? null : new OciRuntime.ExecTerminal(size, exec.console::complete));
            } catch (EngineException e) {
                exec.exitCode = 126;
                // As dockerd: the client has its stream already, so that is where it reads why.
                try {
                    stderr.write((e.getMessage() + "\r\n").getBytes(StandardCharsets.UTF_8));
                } catch (IOException clientGone) {
                    e.addSuppressed(clientGone);
                }
                throw e;
            } finally {
                exec.console.complete(null);
                exec.running = false;
                events.publish("container", "exec_die", exec.container,
                        Map.of("execID", exec.id, "exitCode", String.valueOf(exec.exitCode == null ? -1 : exec.exitCode)));
            }
        };
        if (body.path("Detach").asBoolean(false)) {
            call.request().getComponents().getExecutor().execute(() -> {
                try {
                    run.produce(InputStream.nullInputStream(), OutputStream.nullOutputStream());
                } catch (IOException | RuntimeException e) {
                    // The exit code says it failed; nobody is attached to hear more.
                }
            });
            call.empty(200);
            return;
        }
        HijackedStream.respond(call, format.contentType(), exec.stdin, run);
    }

    /**
     * Sets the size of a running exec's terminal; the docker CLI asks right after the start, so a
     * resize waits for the runtime to hand the terminal over (it takes milliseconds).
     */
    private void resize(Call call) throws InterruptedException {
        int rows = call.terminalSide("h");
        int cols = call.terminalSide("w");
        Exec exec = exec(call.path(1));
        if (exec.terminal == null) {
            throw EngineException.invalid("resize exec " + exec.id + ": the exec was not created with a TTY");
        }
        Console console;
        try {
            console = exec.exitCode != null ? null : exec.console.get(TERMINAL_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            console = null;
        }
        if (console == null) {
            throw EngineException.conflict("resize exec " + exec.id + ": it is not running"
                    + (exec.exitCode != null ? " (it exited with " + exec.exitCode + ")" : ""));
        }
        console.resize(rows, cols);
        call.empty(200);
    }
}
