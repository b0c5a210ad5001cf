package shop.engine.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import shop.engine.Engine;
import shop.engine.container.Container;
import shop.engine.container.ContainerService.LogOptions;
import shop.engine.container.ContainerService.WaitCondition;
import shop.engine.container.ContainerService;
import shop.engine.event.EngineEvents;
import shop.engine.image.Reference;
import shop.engine.network.Network;
import shop.engine.runtime.ResourceUsage;
import shop.engine.snapshot.Change;
import shop.engine.support.Durations;
import shop.engine.support.EngineException;
import shop.engine.support.Json;

/**
 * Docker's {@code /containers} endpoints: create, list, inspect, the lifecycle (start, stop,
 * restart, kill, pause, rename, wait, remove), logs and attach, and what a container does and
 * holds (top, stats, changes, export); prune.
 */
final class ContainerEndpoints implements Router.Endpoints {

    private static final Set<String> LIST_FILTERS = Set.of("ancestor", "before", "expose", "exited", "health", "id",
            "isolation", "is-task", "label", "label!", "name", "network", "publish", "since", "status", "volume");
    private static final Set<String> STATUSES = Set.of("created", "restarting", "running", "removing", "paused", "exited", "dead");
    private static final Set<String> HEALTH = Set.of("starting", "healthy", "unhealthy", "none");
    private static final Set<String> PRUNE_FILTERS = Set.of("until", "label", "label!");
    private static final long STATS_INTERVAL_MS = 1000;

    private final Engine engine;
    private final ContainerService containers;
    private final EngineEvents events;
    private final ContainerViews views;

    ContainerEndpoints(Engine engine, EngineEvents events, ContainerViews views) {
        this.engine = engine;
        this.containers = engine.containers();
        this.events = events;
        this.views = views;
    }

    @Override
    public void register(Router router) {
        router.on("POST", "/containers/create", call -> {
            Container c = containers.create(CreateBody.read(call.query("name"), call.body(), engine.runtime().name()));
            call.json(201, Json.MAPPER.createObjectNode().put("Id", c.id()).set("Warnings", Json.MAPPER.createArrayNode()));
        });
        router.on("GET", "/containers/json", this::list);
        router.on("POST", "/containers/prune", this::prune);
        router.on("GET", "/containers/([^/]+)/json", call -> call.json(200, views.inspect(containers.inspect(call.path(1)))));
        router.on("POST", "/containers/([^/]+)/start", call -> {
            boolean running = containers.inspect(call.path(1)).state().running();
            containers.start(call.path(1));
            call.empty(running ? 304 : 204);
        });
        router.on("POST", "/containers/([^/]+)/stop", call -> {
            boolean running = containers.inspect(call.path(1)).state().running();
            containers.stop(call.path(1), timeout(call));
            call.empty(running ? 204 : 304);
        });
        router.on("POST", "/containers/([^/]+)/restart", call -> {
            containers.restart(call.path(1), timeout(call));
            call.empty(204);
        });
        router.on("POST", "/containers/([^/]+)/kill", call -> {
            containers.kill(call.path(1), call.query("signal"));
            call.empty(204);
        });
        router.on("POST", "/containers/([^/]+)/pause", call -> {
            containers.pause(call.path(1));
            call.empty(204);
        });
        router.on("POST", "/containers/([^/]+)/unpause", call -> {
            containers.unpause(call.path(1));
            call.empty(204);
        });
        router.on("POST", "/containers/([^/]+)/rename", call -> {
            containers.rename(call.path(1), call.required("name"));
            call.empty(204);
        });
        router.on("POST", "/containers/([^/]+)/wait", this::await);
        router.on("DELETE", "/containers/([^/]+)", call -> {
            containers.remove(call.path(1), call.flag("force"), call.flag("v"));
            call.empty(204);
        });
        router.on("GET", "/containers/([^/]+)/logs", this::logs);
        router.on("POST", "/containers/([^/]+)/attach", this::attach);
        router.on("POST", "/containers/([^/]+)/resize", call -> {
            containers.resize(call.path(1), call.terminalSide("h"), call.terminalSide("w"));
            call.empty(200);
        });
        router.on("GET", "/containers/([^/]+)/top", call -> {
            ContainerService.Processes top = containers.top(call.path(1), call.query("ps_args"));
            ObjectNode out = Json.MAPPER.createObjectNode();
            out.set("Titles", Json.MAPPER.valueToTree(top.titles()));
            out.set("Processes", Json.MAPPER.valueToTree(top.rows()));
            call.json(200, out);
        });
        router.on("GET", "/containers/([^/]+)/stats", this::stats);
        router.on("GET", "/containers/([^/]+)/changes", call -> {
            ArrayNode out = Json.MAPPER.createArrayNode();
            for (Change change : containers.changes(call.path(1))) {
                out.addObject().put("Path", change.path()).put("Kind", change.kind());
            }
            call.json(200, out);
        });
        router.on("GET", "/containers/([^/]+)/export", call -> {
            String id = containers.inspect(call.path(1)).id();
            try (OutputStream out = call.stream("application/x-tar")) {
                containers.export(id, out);
            }
        });
    }

    /** Docker's {@code t} (seconds; -1 waits forever), else the container's StopTimeout, else 10. */
    private int timeout(Call call) {
        String t = call.query("t");
        if (t != null) {
            // docker-compose 1.29 sends it as a float ("10.0").
            try {
                return (int) Double.parseDouble(t);
            } catch (NumberFormatException e) {
                throw EngineException.invalid("t: \"" + t + "\" is not a number of seconds");
            }
        }
        Integer own = containers.inspect(call.path(1)).config().stopTimeout();
        return own == null ? 10 : own;
    }

    private void list(Call call) {
        Filters filters = call.filters().accept(LIST_FILTERS);
        filters.get("status").forEach(s -> {
            if (!STATUSES.contains(s)) {
                throw EngineException.invalid("invalid filter 'status=" + s + "'");
            }
        });
        filters.get("health").forEach(h -> {
            if (!HEALTH.contains(h)) {
                throw EngineException.invalid("invalid filter 'health=" + h + "'");
            }
        });
        boolean all = call.flag("all") || filters.has("status") || filters.has("exited");
        List<Container> candidates = containers.list(all);
        Instant before = bound(filters, "before");
        Instant since = bound(filters, "since");
        List<Network> networks = engine.networks().list();
        ArrayNode out = Json.MAPPER.createArrayNode();
        Integer limit = call.integer("limit");
        for (Container c : candidates) {
            if (matches(filters, c, networks) && (before == null || Instant.parse(c.created()).isBefore(before))
                    && (since == null || Instant.parse(c.created()).isAfter(since))) {
                out.add(views.row(c, networks));
                if (limit != null && limit > 0 && out.size() == limit) {
                    break;
                }
            }
        }
        call.json(200, out);
    }

    /** The creation time of the container a before/since filter names. */
    private Instant bound(Filters filters, String key) {
        if (!filters.has(key)) {
            return null;
        }
        return Instant.parse(containers.inspect(filters.get(key).get(0)).created());
    }

    private static boolean matches(Filters f, Container c, List<Network> networks) {
        Map<String, String> labels = c.config().labels() == null ? Map.of() : c.config().labels();
        String health = c.state().health() == null ? "none" : c.state().health().status();
        return f.labels(labels)
                && f.any("id", c.id()::startsWith)
                && f.any("name", n -> Filters.regexFind(n.replaceFirst("^/", ""), c.name()))
                && f.any("status", c.state().status()::equals)
                && f.any("exited", code -> c.state().status().equals("exited") && code.equals(String.valueOf(c.state().exitCode())))
                && f.any("health", health::equals)
                && f.any("ancestor", image -> sameImage(image, c))
                && f.any("network", n -> networks.stream().anyMatch(net -> net.endpoints().containsKey(c.id())
                        && (net.name().equals(n) || net.id().startsWith(n))))
                && f.any("volume", v -> c.mounts().stream().anyMatch(m -> v.equals(m.name()) || v.equals(m.source())
                        || v.equals(m.destination())))
                && f.any("expose", p -> c.config().exposedPorts() != null && c.config().exposedPorts().containsKey(port(p)))
                && f.any("publish", p -> c.ports().stream().anyMatch(b -> b.containerPort().equals(port(p))
                        || String.valueOf(b.hostPort()).equals(p.replace("/tcp", ""))))
                && f.any("isolation", "default"::equals)
                && f.any("is-task", "false"::equals);
    }

    private static String port(String spec) {
        return spec.contains("/") ? spec : spec + "/tcp";
    }

    private static boolean sameImage(String image, Container c) {
        if (c.imageId().startsWith(image) || c.imageId().startsWith("sha256:" + image) || c.imageName().equals(image)) {
            return true;
        }
        try {
            return Reference.parse(image).equals(Reference.parse(c.imageName()));
        } catch (EngineException notAReference) {
            return false;
        }
    }

    private void prune(Call call) {
        Filters filters = call.filters().accept(PRUNE_FILTERS);
        Instant until = filters.has("until") ? untilOf(filters.get("until").get(0)) : null;
        ArrayNode deleted = Json.MAPPER.createArrayNode();
        long reclaimed = 0;
        for (Container c : containers.list(true)) {
            if (c.state().running() || !filters.labels(c.config().labels())
                    || (until != null && !Instant.parse(c.created()).isBefore(until))) {
                continue;
            }
            reclaimed += DiskUsage.writable(engine, c);
            containers.remove(c.id(), false);
            deleted.add(c.id());
        }
        events.publish("container", "prune", "", Map.of("reclaimed", String.valueOf(reclaimed)));
        call.json(200, Json.MAPPER.createObjectNode().put("SpaceReclaimed", reclaimed).set("ContainersDeleted", deleted));
    }

    /** Docker's {@code until}: a Unix time, an RFC 3339 time, or a Go duration before now ("10m", "24h"). */
    static Instant untilOf(String text) {
        try {
            if (text.matches("\\d+(\\.\\d+)?")) {
                return Instant.ofEpochMilli((long) (Double.parseDouble(text) * 1000));
            }
            return Character.isDigit(text.charAt(0)) && !text.contains("-") ? Instant.now().minus(Durations.parse(text))
                    : Instant.parse(text);
        } catch (RuntimeException e) {
            throw EngineException.invalid("filters: until=\"" + text + "\" is neither a time nor a duration such as 24h");
        }
    }

    private void await(Call call) throws Exception {
        String id = containers.inspect(call.path(1)).id();
        String condition = call.query("condition");
        WaitCondition until;
        try {
            until = condition == null ? WaitCondition.NOT_RUNNING
                    : WaitCondition.valueOf(condition.toUpperCase().replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw EngineException.invalid("condition: \"" + condition + "\" is not one of not-running, next-exit, removed");
        }
        // As dockerd: headers go out as soon as the wait has its starting point; the docker CLI
        // sends start only after it has them, so an exit that quick is still the next one.
        try (OutputStream out = call.stream("application/json")) {
            ObjectNode result = Json.MAPPER.createObjectNode();
            try {
                result.put("StatusCode", containers.await(id, until, () -> flush(out))).putNull("Error");
            } catch (EngineException e) {
                result.put("StatusCode", -1).putObject("Error").put("Message", e.getMessage());
            }
            out.write(Json.bytes(result));
        }
    }

    /** The headers out; a client that went away ends the wait (the API drops such a call). */
    private static void flush(OutputStream out) {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void logs(Call call) throws Exception {
        Container c = containers.inspect(call.path(1));
        Integer tail = "all".equals(call.query("tail")) ? null : call.integer("tail");
        LogOptions options = new LogOptions(call.flag("follow"), tail == null ? -1 : tail, call.flag("timestamps"),
                call.time("since"));
        StreamFormat format = StreamFormat.of(c.config().hasTerminal());
        try (OutputStream out = call.stream(format.contentType())) {
            containers.logs(c.id(), options, format.stream(out, 1, call.flag("stdout")), format.stream(out, 2, call.flag("stderr")));
        }
    }

    /**
     * Docker's attach: the output, followed (from the start with {@code logs}, else from now), raw
     * for a container on a terminal and in multiplexed frames otherwise, and with {@code stdin} the
     * client's input into the container's (run -i); it waits for the start the client sends next.
     */
    private void attach(Call call) throws Exception {
        Container c = containers.inspect(call.path(1));
        String id = c.id();
        boolean stdin = call.flag("stdin");
        boolean stdout = call.flag("stdout");
        boolean stderr = call.flag("stderr");
        boolean logs = call.flag("logs") || c.state().status().equals("created");
        StreamFormat format = StreamFormat.of(c.config().hasTerminal());
        events.publish("container", "attach", id, Map.of());
        HijackedStream.respond(call, format.contentType(), stdin, (in, out) -> {
            out.flush();
            long deadline = System.currentTimeMillis() + 60_000;
            while (containers.inspect(id).state().status().equals("created") && System.currentTimeMillis() < deadline) {
                sleep(5);
            }
            if (stdin) {
                Thread feed = new Thread(() -> containers.attachStdin(id, in), "stdin of " + id);
                feed.setDaemon(true);
                feed.start();
            }
            containers.logs(id, new LogOptions(true, logs ? -1 : 0, false, null), format.stream(out, 1, stdout),
                    format.stream(out, 2, stderr));
        });
    }

    /**
     * Docker's stats: one reading, or (with {@code stream}, the default) one a second until the
     * client goes away or the container stops. Each carries the previous reading as precpu_stats,
     * which clients need for CPU %; a single reading waits a second for one unless one-shot.
     */
    private void stats(Call call) throws Exception {
        String id = containers.inspect(call.path(1)).id();
        boolean stream = call.flag("stream", true);
        boolean oneShot = call.flag("one-shot");
        try (OutputStream out = call.stream("application/json")) {
            ResourceUsage previous = null;
            if (!stream && !oneShot) {
                previous = containers.stats(id);
                sleep(STATS_INTERVAL_MS);
            }
            while (true) {
                Container c = containers.inspect(id);
                ResourceUsage now = containers.stats(id);
                JsonLines.write(out, StatsView.of(c, now, previous));
                if (!stream || now == null) {
                    return;
                }
                previous = now;
                sleep(STATS_INTERVAL_MS);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.failed("interrupted", e);
        }
    }
}
