package shop.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import shop.engine.Engine;
import shop.engine.EngineException;
import shop.engine.Ids;
import shop.engine.FileTrees;
import shop.engine.Json;
import shop.engine.build.Builder;
import shop.engine.container.ContainerService;
import shop.engine.container.HostConfig;
import shop.engine.image.ContainerConfig;
import shop.engine.image.Image;
import shop.engine.image.Reference;
import shop.engine.network.Network;
import shop.engine.snapshot.SafeTarExtractor;

/**
 * Translates Docker Engine API requests into engine calls and results into Docker's JSON; holds
 * no logic of its own. Paths are served with any {@code /vN.NN} prefix and without one. Engine
 * errors become {@code {"message": ...}} with 400, 404 or 409; anything else a 500 with a
 * one-line message, never a stack trace.
 */
final class ApiHandler extends Handler.Abstract {

    static final String API_VERSION = "1.51";
    static final String MIN_API_VERSION = "1.24";
    private static final Pattern VERSION_PREFIX = Pattern.compile("^/v\\d+\\.\\d+(/.*)$");
    private static final String NEVER = "0001-01-01T00:00:00Z";

    interface Route {
        void handle(Matcher path, Request request, Response response, Fields query) throws Exception;
    }

    private record Endpoint(String method, Pattern path, Route route) {
    }

    /** An exec instance: created, then started once; its exit code stays readable. */
    private static final class Exec {
        final String container;
        final List<String> cmd;
        final List<String> env;
        final String user;
        /** AttachStdin: the client's input becomes the process's stdin (exec -i). */
        final boolean stdin;
        volatile boolean running;
        volatile Integer exitCode;

        Exec(String container, List<String> cmd, List<String> env, String user, boolean stdin) {
            this.container = container;
            this.cmd = cmd;
            this.env = env;
            this.user = user;
            this.stdin = stdin;
        }
    }

    private final Engine engine;
    private final List<Endpoint> endpoints = new ArrayList<>();
    private final Map<String, Exec> execs = new java.util.concurrent.ConcurrentHashMap<>();
    private final NetworkEndpoints networks;

    ApiHandler(Engine engine) {
        this.engine = engine;
        this.networks = new NetworkEndpoints(engine);
        networks.register(this);
        new VolumeEndpoints(engine).register(this);
        on("GET", "/_ping", (m, rq, rs, q) -> text(rs, 200, "OK"));
        on("HEAD", "/_ping", (m, rq, rs, q) -> text(rs, 200, ""));
        on("GET", "/version", (m, rq, rs, q) -> json(rs, 200, version()));
        on("GET", "/info", (m, rq, rs, q) -> json(rs, 200, info()));
        on("GET", "/images/json", (m, rq, rs, q) -> json(rs, 200, images()));
        on("GET", "/images/(.+)/json", (m, rq, rs, q) -> json(rs, 200, imageInspect(engine.images().resolve(m.group(1)))));
        on("POST", "/images/(.+)/tag", (m, rq, rs, q) -> {
            String repo = required(q, "repo");
            String tag = q.getValue("tag");
            engine.images().tag(m.group(1), tag == null || tag.isEmpty() ? repo : repo + ":" + tag);
            empty(rs, 201);
        });
        on("DELETE", "/images/(.+)", (m, rq, rs, q) -> {
            ArrayNode out = Json.MAPPER.createArrayNode();
            for (String line : engine.images().remove(m.group(1), flag(q, "force"))) {
                String[] kv = line.split(": ", 2);
                out.addObject().put(kv[0], kv[1]);
            }
            json(rs, 200, out);
        });
        on("POST", "/containers/create", (m, rq, rs, q) -> {
            shop.engine.container.Container c = engine.containers().create(createRequest(q.getValue("name"), body(rq)));
            json(rs, 201, Json.MAPPER.createObjectNode().put("Id", c.id()).set("Warnings", Json.MAPPER.createArrayNode()));
        });
        on("GET", "/containers/json", (m, rq, rs, q) ->
                json(rs, 200, containers(flag(q, "all"), Filters.parse(q.getValue("filters")))));
        on("GET", "/containers/([^/]+)/json", (m, rq, rs, q) -> json(rs, 200, containerInspect(engine.containers().inspect(m.group(1)))));
        on("POST", "/containers/([^/]+)/start", (m, rq, rs, q) -> {
            boolean running = engine.containers().inspect(m.group(1)).state().running();
            engine.containers().start(m.group(1));
            empty(rs, running ? 304 : 204);
        });
        on("POST", "/containers/([^/]+)/stop", (m, rq, rs, q) -> {
            engine.containers().stop(m.group(1), q.getValue("t") == null ? 10 : Integer.parseInt(q.getValue("t")));
            empty(rs, 204);
        });
        on("POST", "/containers/([^/]+)/kill", (m, rq, rs, q) -> {
            engine.containers().kill(m.group(1), q.getValue("signal"));
            empty(rs, 204);
        });
        on("POST", "/containers/([^/]+)/wait", (m, rq, rs, q) -> {
            String id = engine.containers().inspect(m.group(1)).id();
            String condition = q.getValue("condition");
            ContainerService.WaitCondition until = condition == null || condition.isEmpty()
                    ? ContainerService.WaitCondition.NOT_RUNNING
                    : ContainerService.WaitCondition.valueOf(condition.toUpperCase().replace('-', '_'));
            // As dockerd: headers go out at once; the docker CLI sends start only after it has them.
            rs.setStatus(200);
            rs.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            try (OutputStream out = Content.Sink.asOutputStream(rs)) {
                out.flush();
                ObjectNode result = Json.MAPPER.createObjectNode();
                try {
                    result.put("StatusCode", engine.containers().await(id, until)).putNull("Error");
                } catch (EngineException e) {
                    result.put("StatusCode", -1).putObject("Error").put("Message", e.getMessage());
                }
                out.write(Json.bytes(result));
            }
        });
        on("DELETE", "/containers/([^/]+)", (m, rq, rs, q) -> {
            engine.containers().remove(m.group(1), flag(q, "force"));
            empty(rs, 204);
        });
        on("GET", "/containers/([^/]+)/logs", (m, rq, rs, q) -> {
            String id = engine.containers().inspect(m.group(1)).id();
            rs.setStatus(200);
            rs.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/vnd.docker.multiplexed-stream");
            try (OutputStream out = Content.Sink.asOutputStream(rs)) {
                OutputStream stdout = flag(q, "stdout") ? new MultiplexedStream(out, 1) : OutputStream.nullOutputStream();
                OutputStream stderr = flag(q, "stderr") ? new MultiplexedStream(out, 2) : OutputStream.nullOutputStream();
                String tail = q.getValue("tail");
                String since = q.getValue("since");
                engine.containers().logs(id, new ContainerService.LogOptions(flag(q, "follow"),
                        tail == null || tail.equals("all") ? -1 : Integer.parseInt(tail), flag(q, "timestamps"),
                        since == null || since.isEmpty() || since.equals("0") ? null : sinceInstant(since)), stdout, stderr);
            }
        });
        on("POST", "/containers/([^/]+)/attach", (m, rq, rs, q) -> attach(m.group(1), rq, rs, q));
        on("POST", "/containers/([^/]+)/exec", (m, rq, rs, q) -> {
            JsonNode body = body(rq);
            String id = engine.containers().inspect(m.group(1)).id();
            List<String> cmd = Json.MAPPER.convertValue(body.path("Cmd"), new com.fasterxml.jackson.core.type.TypeReference<List<String>>() { });
            if (cmd == null || cmd.isEmpty()) {
                throw EngineException.invalid("exec: no command specified");
            }
            List<String> env = body.hasNonNull("Env")
                    ? Json.MAPPER.convertValue(body.get("Env"), new com.fasterxml.jackson.core.type.TypeReference<List<String>>() { })
                    : List.of();
            String execId = Ids.random();
            execs.put(execId, new Exec(id, cmd, env, body.path("User").asText(null), body.path("AttachStdin").asBoolean(false)));
            json(rs, 201, Json.MAPPER.createObjectNode().put("Id", execId));
        });
        on("POST", "/exec/([^/]+)/start", (m, rq, rs, q) -> execStart(m.group(1), rq, rs));
        on("GET", "/exec/([^/]+)/json", (m, rq, rs, q) -> {
            Exec exec = exec(m.group(1));
            json(rs, 200, Json.MAPPER.createObjectNode().put("ID", m.group(1)).put("ContainerID", exec.container)
                    .put("Running", exec.running).put("ExitCode", exec.exitCode == null ? 0 : exec.exitCode)
                    .put("Pid", 0));
        });
        on("POST", "/build", (m, rq, rs, q) -> build(rq, rs, q));
        ImageArchiveEndpoints archives = new ImageArchiveEndpoints(engine);
        archives.register(this);
        new RegistryEndpoints(engine).register(this, archives);
    }

    void on(String method, String path, Route route) {
        endpoints.add(new Endpoint(method, Pattern.compile(path), route));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        Matcher versioned = VERSION_PREFIX.matcher(path);
        if (versioned.matches()) {
            path = versioned.group(1);
        }
        // Image names arrive with their slashes encoded (docker-java: /images/localhost%2Fshop%2Fweb/json).
        path = org.eclipse.jetty.util.URIUtil.decodePath(path);
        response.getHeaders().put("Api-Version", API_VERSION);
        response.getHeaders().put("Ostype", "linux");
        response.getHeaders().put("Server", "shop-engine/0.1 (linux)");
        try {
            Fields query = Request.extractQueryParameters(request);
            boolean pathKnown = false;
            for (Endpoint endpoint : endpoints) {
                Matcher m = endpoint.path().matcher(path);
                if (m.matches()) {
                    pathKnown = true;
                    if (endpoint.method().equals(request.getMethod())) {
                        endpoint.route().handle(m, request, response, query);
                        callback.succeeded();
                        return true;
                    }
                }
            }
            error(response, pathKnown ? 405 : 404, pathKnown ? "method not allowed" : "page not found");
        } catch (EngineException e) {
            error(response, switch (e.kind()) {
                case INVALID -> 400;
                case NOT_FOUND -> 404;
                case CONFLICT -> 409;
                case FAILED -> 500;
            }, e.getMessage());
        } catch (IllegalArgumentException | com.fasterxml.jackson.core.JacksonException e) {
            error(response, 400, "bad request: " + e.getMessage());
        } catch (Exception e) {
            error(response, 500, e.toString());
        }
        callback.succeeded();
        return true;
    }

    // --- bodies ---

    static JsonNode body(Request request) throws IOException {
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] bytes = in.readAllBytes();
            if (bytes.length == 0) {
                throw EngineException.invalid("a JSON body is required");
            }
            return Json.MAPPER.readTree(bytes);
        }
    }

    /** The create body is Docker's Config with HostConfig inside; both records read Docker's names. */
    private static ContainerService.CreateRequest createRequest(String name, JsonNode body) throws IOException {
        if (!body.isObject()) {
            throw EngineException.invalid("the create body must be a JSON object");
        }
        ObjectNode config = (ObjectNode) body.deepCopy();
        JsonNode entrypoint = config.get("Entrypoint");
        if (entrypoint != null && entrypoint.isTextual()) {
            config.set("Entrypoint", Json.MAPPER.createArrayNode().add(entrypoint.asText()));
        }
        JsonNode hostNode = config.remove("HostConfig");
        HostConfig host = hostNode != null && hostNode.isObject() ? Json.MAPPER.treeToValue(hostNode, HostConfig.class) : null;
        Map<String, List<String>> networks = new LinkedHashMap<>();
        config.path("NetworkingConfig").path("EndpointsConfig").fields().forEachRemaining(e ->
                networks.put(e.getKey(), strings(e.getValue().path("Aliases"))));
        config.remove("NetworkingConfig");
        ContainerConfig containerConfig = Json.MAPPER.treeToValue(config, ContainerConfig.class);
        return new ContainerService.CreateRequest(name, body.path("Image").asText(null), containerConfig, host, networks);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    /**
     * Docker's attach: multiplexed frames of the logs, followed, and with {@code stdin} the
     * client's input into the container's (run -i); it waits for the start the client sends next.
     */
    private void attach(String idOrName, Request request, Response response, Fields query) throws IOException {
        String id = engine.containers().inspect(idOrName).id();
        boolean stdin = flag(query, "stdin");
        boolean stdout = flag(query, "stdout");
        boolean stderr = flag(query, "stderr");
        stream(request, response, stdin, (in, out) -> {
                    out.flush();
                    long deadline = System.currentTimeMillis() + 60_000;
                    while (engine.containers().inspect(id).state().status().equals("created")
                            && System.currentTimeMillis() < deadline) {
                        sleepQuietly(5);
                    }
                    if (stdin) {
                        Thread feed = new Thread(() -> engine.containers().attachStdin(id, in), "stdin of " + id);
                        feed.setDaemon(true);
                        feed.start();
                    }
                    engine.containers().logs(id, new ContainerService.LogOptions(true, -1, false, null),
                            stdout ? new MultiplexedStream(out, 1) : OutputStream.nullOutputStream(),
                            stderr ? new MultiplexedStream(out, 2) : OutputStream.nullOutputStream());
                });
    }

    /**
     * The docker CLI asks to upgrade the connection (it may send stdin): answer 101 and hijack it.
     * Other clients (docker-java without stdin) read the same frames as an ordinary response body.
     */
    private static void stream(Request request, Response response, boolean takesInput, HijackedStream.Producer producer)
            throws IOException {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/vnd.docker.multiplexed-stream");
        if (!request.getHeaders().contains(HttpHeader.UPGRADE)) {
            response.setStatus(200);
            try (OutputStream out = Content.Sink.asOutputStream(response)) {
                producer.produce(InputStream.nullInputStream(), out);
            }
            return;
        }
        request.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, new HijackedStream(
                request.getConnectionMetaData().getConnection().getEndPoint(), request.getComponents().getExecutor(), producer,
                takesInput));
        response.setStatus(101);
        response.getHeaders().put(HttpHeader.CONNECTION, "Upgrade");
        response.getHeaders().put(HttpHeader.UPGRADE, "tcp");
    }

    private Exec exec(String id) {
        Exec exec = execs.get(id);
        if (exec == null) {
            throw EngineException.notFound("No such exec instance: " + id);
        }
        return exec;
    }

    /** Detached: runs in the background. Otherwise hijacks the connection like attach and streams the output. */
    private void execStart(String execId, Request request, Response response) throws IOException {
        Exec exec = exec(execId);
        JsonNode body = body(request);
        if (exec.running || exec.exitCode != null) {
            throw EngineException.conflict("exec " + execId + " has already been started");
        }
        exec.running = true;
        HijackedStream.Producer run = (in, out) -> {
            try {
                exec.exitCode = engine.containers().exec(exec.container, exec.cmd, exec.env, exec.user,
                        exec.stdin ? in : null, new MultiplexedStream(out, 1), new MultiplexedStream(out, 2));
            } finally {
                exec.running = false;
            }
        };
        if (body.path("Detach").asBoolean(false)) {
            request.getComponents().getExecutor().execute(() -> {
                try {
                    run.produce(InputStream.nullInputStream(), OutputStream.nullOutputStream());
                } catch (IOException | RuntimeException e) {
                    exec.exitCode = exec.exitCode == null ? 126 : exec.exitCode;
                }
            });
            empty(response, 200);
            return;
        }
        stream(request, response, exec.stdin, run);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void build(Request request, Response response, Fields query) throws IOException {
        Path context = Files.createTempDirectory(engine.state(), "build-context");
        try {
            try (InputStream in = Content.Source.asInputStream(request)) {
                new SafeTarExtractor(null).extract(in, context, "build context");
            }
            List<String> tags = query.getValues("t") == null ? List.of() : query.getValues("t");
            Builder.BuildRequest build = new Builder.BuildRequest(context, query.getValue("dockerfile"), tags,
                    stringMap(query.getValue("buildargs")), emptyToNull(query.getValue("target")), flag(query, "nocache"),
                    stringMap(query.getValue("labels")));
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            try (OutputStream out = Content.Sink.asOutputStream(response)) {
                try {
                    Image image = engine.builder().build(build, line -> streamLine(out, Json.MAPPER.createObjectNode().put("stream", line)));
                    streamLine(out, Json.MAPPER.createObjectNode().set("aux", Json.MAPPER.createObjectNode().put("ID", image.id())));
                } catch (EngineException e) {
                    streamError(out, e.getMessage());
                }
            }
        } finally {
            FileTrees.deleteOrFail(context, "build context");
        }
    }

    static void streamLine(OutputStream out, JsonNode node) {
        try {
            out.write(Json.bytes(node));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw EngineException.failed("client went away: " + e.getMessage(), e);
        }
    }

    /** Once a stream's headers are sent, Docker reports a failure as its last object. */
    static void streamError(OutputStream out, String message) {
        ObjectNode error = Json.MAPPER.createObjectNode().put("error", message);
        error.putObject("errorDetail").put("message", message);
        streamLine(out, error);
    }

    private static Map<String, String> stringMap(String json) throws IOException {
        Map<String, String> map = new LinkedHashMap<>();
        if (json != null && !json.isEmpty()) {
            Json.MAPPER.readTree(json).fields().forEachRemaining(e -> {
                if (!e.getValue().isNull()) {
                    map.put(e.getKey(), e.getValue().asText());
                }
            });
        }
        return map;
    }

    // --- views ---

    private static ObjectNode version() {
        ObjectNode v = Json.MAPPER.createObjectNode();
        v.put("Version", "0.1.0").put("ApiVersion", API_VERSION).put("MinAPIVersion", MIN_API_VERSION)
                .put("Os", "linux").put("Arch", "amd64").put("KernelVersion", System.getProperty("os.version"))
                .put("GoVersion", "n/a (Java " + Runtime.version() + ")").put("GitCommit", "shop-engine");
        ObjectNode engine = v.putArray("Components").addObject().put("Name", "Engine").put("Version", "0.1.0");
        engine.putObject("Details").put("ApiVersion", API_VERSION).put("MinAPIVersion", MIN_API_VERSION)
                .put("Os", "linux").put("Arch", "amd64").put("KernelVersion", System.getProperty("os.version"));
        return v;
    }

    private ObjectNode info() {
        List<shop.engine.container.Container> all = engine.containers().list(true);
        long running = all.stream().filter(c -> c.state().running()).count();
        ObjectNode i = Json.MAPPER.createObjectNode();
        i.put("ID", "shop-engine").put("Name", "shop-engine").put("OSType", "linux").put("Architecture", "x86_64")
                .put("OperatingSystem", "shop-engine on Linux").put("KernelVersion", System.getProperty("os.version"))
                .put("ServerVersion", "0.1.0").put("Driver", "overlayfs").put("DockerRootDir", engine.state().toString())
                .put("Containers", all.size()).put("ContainersRunning", running).put("ContainersPaused", 0)
                .put("ContainersStopped", all.size() - running).put("Images", engine.images().list().size())
                .put("NCPU", Runtime.getRuntime().availableProcessors()).put("MemTotal", Runtime.getRuntime().maxMemory())
                .put("DefaultRuntime", engine.runtime().name()).put("CgroupDriver", "cgroupfs");
        i.putObject("Runtimes").putObject(engine.runtime().name()).put("path", engine.runtime().name());
        return i;
    }

    private ArrayNode images() {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (Image image : engine.images().list()) {
            ObjectNode o = out.addObject();
            o.put("Id", image.id()).put("ParentId", "").put("Created", epochSeconds(image.config().created()))
                    .put("Size", size(image)).put("SharedSize", -1).put("Containers", -1);
            ArrayNode tags = o.putArray("RepoTags");
            image.names().forEach(n -> tags.add(n.familiar()));
            o.putArray("RepoDigests");
            o.set("Labels", Json.MAPPER.valueToTree(image.config().containerConfig().labels()));
        }
        return out;
    }

    private static ObjectNode imageInspect(Image image) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("Id", image.id());
        ArrayNode tags = o.putArray("RepoTags");
        image.names().forEach(n -> tags.add(n.familiar()));
        o.putArray("RepoDigests");
        o.put("Created", image.config().created()).put("Os", image.config().os()).put("Architecture", image.config().architecture())
                .put("Author", image.config().author()).put("Size", size(image));
        o.set("Config", Json.MAPPER.valueToTree(image.config().containerConfig()));
        ObjectNode rootfs = o.putObject("RootFS").put("Type", "layers");
        image.config().diffIds().forEach(rootfs.putArray("Layers")::add);
        return o;
    }

    private ArrayNode containers(boolean all, Filters filters) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        List<Network> allNetworks = engine.networks().list();
        for (shop.engine.container.Container c : engine.containers().list(all)) {
            if (!filters.matches(c.id(), c.name(), c.config().labels() == null ? Map.of() : c.config().labels())
                    || !filters.values().getOrDefault("status", List.of(c.state().status())).contains(c.state().status())) {
                continue;
            }
            ObjectNode o = out.addObject();
            o.put("Id", c.id());
            o.putArray("Names").add("/" + c.name());
            o.put("Image", c.imageName()).put("ImageID", c.imageId()).put("Command", String.join(" ", args(c)))
                    .put("Created", epochSeconds(c.created())).put("State", c.state().status()).put("Status", status(c));
            o.set("Ports", NetworkEndpoints.portList(c));
            o.putArray("Mounts");
            o.set("Labels", Json.MAPPER.valueToTree(c.config().labels()));
            o.putObject("HostConfig").put("NetworkMode", c.hostConfig().networkMode());
            o.putObject("NetworkSettings").set("Networks", networks.settings(c, allNetworks).get("Networks"));
        }
        return out;
    }

    private ObjectNode containerInspect(shop.engine.container.Container c) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        List<String> args = args(c);
        o.put("Id", c.id()).put("Created", c.created()).put("Path", args.isEmpty() ? "" : args.get(0));
        ArrayNode argv = o.putArray("Args");
        args.stream().skip(1).forEach(argv::add);
        ObjectNode state = o.putObject("State");
        state.put("Status", c.state().status()).put("Running", c.state().running()).put("Paused", false)
                .put("Restarting", false).put("OOMKilled", false).put("Dead", false).put("Pid", c.state().pid())
                .put("ExitCode", c.state().exitCode()).put("Error", "")
                .put("StartedAt", c.state().startedAt() == null ? NEVER : c.state().startedAt())
                .put("FinishedAt", c.state().finishedAt() == null ? NEVER : c.state().finishedAt());
        if (c.state().health() != null) {
            state.putObject("Health").put("Status", c.state().health().status())
                    .put("FailingStreak", c.state().health().failingStreak()).putArray("Log");
        }
        o.put("Image", c.imageId()).put("Name", "/" + c.name()).put("RestartCount", c.state().restartCount())
                .put("Driver", "overlayfs");
        ObjectNode config = Json.MAPPER.valueToTree(c.config());
        config.put("Image", c.imageName()).put("Hostname", c.id().substring(0, 12)).put("Tty", false)
                .put("AttachStdout", false).put("AttachStderr", false).put("OpenStdin", false);
        o.set("Config", config);
        o.set("HostConfig", Json.MAPPER.valueToTree(c.hostConfig()));
        o.set("NetworkSettings", networks.settings(c, engine.networks().list()));
        o.putArray("Mounts");
        return o;
    }

    private static List<String> args(shop.engine.container.Container c) {
        List<String> args = new ArrayList<>();
        if (c.config().entrypoint() != null) {
            args.addAll(c.config().entrypoint());
        }
        if (c.config().cmd() != null) {
            args.addAll(c.config().cmd());
        }
        return args;
    }

    private static String status(shop.engine.container.Container c) {
        if (c.state().status().equals("created")) {
            return "Created";
        }
        if (c.state().running()) {
            String up = "Up " + human(Duration.between(Instant.parse(c.state().startedAt()), Instant.now()));
            return c.state().health() == null ? up : up + " (" + c.state().health().status() + ")";
        }
        return "Exited (" + c.state().exitCode() + ") "
                + human(Duration.between(Instant.parse(c.state().finishedAt()), Instant.now())) + " ago";
    }

    private static String human(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s < 60 ? s + " seconds" : s < 3600 ? s / 60 + " minutes" : s / 3600 + " hours";
    }

    private static long size(Image image) {
        return image.manifest().layers().stream().mapToLong(l -> l.size()).sum();
    }

    private static long epochSeconds(String instant) {
        return instant == null ? 0 : Instant.parse(instant).getEpochSecond();
    }

    // --- plumbing ---

    static boolean flag(Fields query, String name) {
        String v = query.getValue(name);
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true"));
    }

    /** Docker's {@code since}: Unix seconds, with an optional fraction ({@code 1700000000.5}). */
    private static Instant sinceInstant(String text) {
        try {
            java.math.BigDecimal seconds = new java.math.BigDecimal(text);
            return Instant.ofEpochSecond(seconds.longValue(), seconds.remainder(java.math.BigDecimal.ONE).movePointRight(9).longValue());
        } catch (NumberFormatException e) {
            throw EngineException.invalid("since: \"" + text + "\" is not a Unix timestamp");
        }
    }

    static String required(Fields query, String name) {
        String v = query.getValue(name);
        if (v == null || v.isEmpty()) {
            throw EngineException.invalid("query parameter " + name + " is required");
        }
        return v;
    }

    static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    static void json(Response response, int status, Object body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        write(response, Json.bytes(body));
    }

    private static void text(Response response, int status, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        write(response, body.getBytes(StandardCharsets.UTF_8));
    }

    static void empty(Response response, int status) {
        response.setStatus(status);
    }

    static void error(Response response, int status, String message) {
        json(response, status, Json.MAPPER.createObjectNode().put("message", message));
    }

    private static void write(Response response, byte[] bytes) {
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            out.write(bytes);
        } catch (IOException e) {
            throw EngineException.failed("write response: " + e.getMessage(), e);
        }
    }
}
