package shop.engine.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import shop.engine.Engine;
import shop.engine.EngineException;
import shop.engine.Ids;
import shop.engine.Json;
import shop.engine.container.Container;
import shop.engine.container.ContainerService;
import shop.engine.event.EngineEvents;

/**
 * Docker's exec instances: {@code POST /containers/{id}/exec} creates one, {@code POST
 * /exec/{id}/start} runs it once (streamed, or detached), {@code GET /exec/{id}/json} tells its
 * exit code. Instances live in memory while their container exists, as dockerd keeps them.
 */
final class ExecEndpoints implements Router.Endpoints {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };

    /** An exec instance: created, then started once; its exit code stays readable. */
    private static final class Exec {
        final String id;
        final String container;
        final ContainerService.ExecRequest request;
        /** AttachStdin: the client's input becomes the process's stdin (exec -i). */
        final boolean stdin;
        volatile boolean running;
        volatile Integer exitCode;

        Exec(String id, String container, ContainerService.ExecRequest request, boolean stdin) {
            this.id = id;
            this.container = container;
            this.request = request;
            this.stdin = stdin;
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
        router.on("POST", "/exec/([^/]+)/resize", call -> {
            exec(call.path(1));
            throw EngineException.invalid("resize exec " + call.path(1) + ": the exec was not created with a TTY");
        });
        router.on("GET", "/exec/([^/]+)/json", call -> {
            Exec exec = exec(call.path(1));
            var out = Json.MAPPER.createObjectNode().put("ID", exec.id).put("ContainerID", exec.container)
                    .put("Running", exec.running).put("ExitCode", exec.exitCode == null ? 0 : exec.exitCode)
                    .put("Pid", 0).put("OpenStdin", exec.stdin).put("OpenStdout", true).put("OpenStderr", true);
            out.putObject("ProcessConfig").put("tty", false).put("entrypoint", exec.request.cmd().get(0))
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
        if (body.path("Tty").asBoolean(false)) {
            throw EngineException.invalid("Tty: this engine does not give execs a terminal yet; leave out -t");
        }
        List<String> env = strings(body, "Env");
        ContainerService.ExecRequest request = new ContainerService.ExecRequest(cmd, env == null ? List.of() : env,
                Call.emptyToNull(body.path("User").asText(null)), Call.emptyToNull(body.path("WorkingDir").asText(null)),
                body.path("Privileged").asBoolean(false));
        forgetExecsOfRemovedContainers();
        String id = Ids.random();
        execs.put(id, new Exec(id, c.id(), request, body.path("AttachStdin").asBoolean(false)));
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
        HijackedStream.Producer run = (in, out) -> {
            try {
                exec.exitCode = containers.exec(exec.container, exec.request, exec.stdin ? in : null,
                        new MultiplexedStream(out, 1), new MultiplexedStream(out, 2));
            } catch (EngineException e) {
                exec.exitCode = 126;
                throw e;
            } finally {
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
        HijackedStream.respond(call, "application/vnd.docker.multiplexed-stream", exec.stdin, run);
    }
}
