package shop.engine.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import shop.engine.Engine;
import shop.engine.container.Container;
import shop.engine.container.Volumes;
import shop.engine.event.EngineEvents;
import shop.engine.image.Image;
import shop.engine.runtime.Cgroups;
import shop.engine.support.EngineException;
import shop.engine.support.Json;

/**
 * Docker's system endpoints: {@code _ping}, {@code version} and {@code info} (who this engine is,
 * in the terms clients check), {@code events} (the engine's event stream) and {@code system/df}.
 *
 * <p>Clients compare the server's Version as a Docker version (Testcontainers wants at least
 * 1.6.0), so it is the Docker release whose API this engine speaks; the engine's own name and
 * version are in Platform and Components.
 */
final class SystemEndpoints implements Router.Endpoints {

    /** This engine's own version. */
    static final String ENGINE_VERSION = "0.2.0";
    /** The Docker release that introduced the API version this engine speaks (1.51: Docker 28.3). */
    static final String DOCKER_VERSION = "28.3.0";
    private static final Set<String> EVENT_FILTERS = Set.of("container", "daemon", "event", "image", "label", "network",
            "scope", "type", "volume");
    /** A quiet event stream writes a newline this often, so a client that went away is noticed. */
    private static final long HEARTBEAT_MS = 1000;

    private final Engine engine;
    private final EngineEvents events;

    SystemEndpoints(Engine engine, EngineEvents events) {
        this.engine = engine;
        this.events = events;
    }

    @Override
    public void register(Router router) {
        router.on("GET", "/_ping", call -> call.text(200, "OK"));
        router.on("HEAD", "/_ping", call -> call.text(200, ""));
        router.on("GET", "/version", call -> call.json(200, version()));
        router.on("GET", "/info", call -> call.json(200, info()));
        router.on("GET", "/events", this::events);
        router.on("GET", "/system/df", call -> call.json(200, diskUsage()));
    }

    private ObjectNode version() {
        ObjectNode v = Json.MAPPER.createObjectNode();
        String kernel = System.getProperty("os.version");
        v.putObject("Platform").put("Name", "shop-engine " + ENGINE_VERSION);
        v.put("Version", DOCKER_VERSION).put("ApiVersion", Router.API_VERSION).put("MinAPIVersion", Router.MIN_API_VERSION)
                .put("Os", "linux").put("Arch", "amd64").put("KernelVersion", kernel)
                .put("GoVersion", "n/a (Java " + Runtime.version() + ")").put("GitCommit", "shop-engine")
                .put("BuildTime", "");
        ArrayNode components = v.putArray("Components");
        ObjectNode docker = components.addObject().put("Name", "Engine").put("Version", DOCKER_VERSION);
        docker.putObject("Details").put("ApiVersion", Router.API_VERSION).put("MinAPIVersion", Router.MIN_API_VERSION)
                .put("Os", "linux").put("Arch", "amd64").put("KernelVersion", kernel);
        components.addObject().put("Name", "shop-engine").put("Version", ENGINE_VERSION)
                .putObject("Details").put("Runtime", engine.runtime().name());
        return v;
    }

    private ObjectNode info() throws IOException {
        List<Container> all = engine.containers().list(true);
        long running = all.stream().filter(c -> c.state().running() && !c.state().paused()).count();
        long paused = all.stream().filter(c -> c.state().paused()).count();
        ObjectNode i = Json.MAPPER.createObjectNode();
        i.put("ID", "shop-engine").put("Name", InetAddress.getLocalHost().getHostName()).put("OSType", "linux")
                .put("Architecture", "x86_64").put("OperatingSystem", operatingSystem())
                .put("KernelVersion", System.getProperty("os.version")).put("ServerVersion", DOCKER_VERSION)
                .put("Driver", "overlayfs").put("DockerRootDir", engine.state().toString())
                .put("Containers", all.size()).put("ContainersRunning", running).put("ContainersPaused", paused)
                .put("ContainersStopped", all.size() - running - paused).put("Images", engine.images().list().size())
                .put("NCPU", Cgroups.onlineCpus()).put("MemTotal", Cgroups.hostMemory())
                .put("DefaultRuntime", engine.runtime().name()).put("CgroupDriver", "cgroupfs")
                .put("CgroupVersion", Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers")) ? "2" : "1")
                .put("LoggingDriver", "json-file").put("IndexServerAddress", "https://index.docker.io/v1/")
                .put("MemoryLimit", true).put("SwapLimit", true).put("PidsLimit", true).put("CpuCfsQuota", true)
                .put("IPv4Forwarding", false).put("Debug", false).put("ExperimentalBuild", false);
        i.putArray("Labels").add("com.shop.engine.version=" + ENGINE_VERSION);
        i.putArray("SecurityOptions");
        i.putObject("Runtimes").putObject(engine.runtime().name()).put("path", engine.runtime().name());
        i.putObject("Swarm").put("LocalNodeState", "inactive");
        ObjectNode plugins = i.putObject("Plugins");
        plugins.putArray("Volume").add("local");
        plugins.putArray("Network").add("bridge").add("host").add("null");
        plugins.putArray("Log").add("json-file");
        return i;
    }

    /** The host's distribution, as /etc/os-release names it. */
    private static String operatingSystem() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring("PRETTY_NAME=".length()).replace("\"", "");
                }
            }
        } catch (IOException ignored) {
            // Fall through to the kernel's name.
        }
        return "Linux";
    }

    /**
     * The event stream: remembered events since {@code since}, then new ones as they happen, until
     * {@code until} or until the client goes away (noticed at the next write; a quiet stream writes
     * a bare newline every second, which JSON stream readers skip).
     */
    private void events(Call call) throws Exception {
        Filters filters = call.filters().accept(EVENT_FILTERS);
        Instant since = call.time("since");
        Instant until = call.time("until");
        if (since != null && until != null && until.isBefore(since)) {
            throw EngineException.invalid("since: must be before until");
        }
        try (EngineEvents.Subscription subscription = events.subscribe(since);
             OutputStream out = call.stream("application/json")) {
            out.flush();
            while (true) {
                // An until already past still gets the remembered events before it: no wait, only those queued.
                long wait = until == null ? HEARTBEAT_MS
                        : Math.max(0, Math.min(HEARTBEAT_MS, until.toEpochMilli() - System.currentTimeMillis()));
                EngineEvents.Event event = subscription.next(wait, TimeUnit.MILLISECONDS);
                if (event == null) {
                    if (until != null && !Instant.now().isBefore(until)) {
                        return;
                    }
                    if (until == null) {
                        out.write('\n');
                        out.flush();
                    }
                    continue;
                }
                if (until != null && event.time().isAfter(until)) {
                    return;
                }
                if (matches(filters, event)) {
                    JsonLines.write(out, view(event));
                }
            }
        } catch (IOException | EngineException gone) {
            // The client went away: the subscription is closed, nothing stays behind.
        }
    }

    private static boolean matches(Filters f, EngineEvents.Event e) {
        Map<String, String> attributes = e.attributes();
        String name = attributes.getOrDefault("name", "");
        return f.any("type", e.type()::equals)
                && f.any("event", a -> e.action().equals(a) || e.action().startsWith(a + ":"))
                && f.any("container", c -> e.type().equals("container") && (e.actorId().startsWith(c) || name.equals(c)))
                && f.any("image", i -> (e.type().equals("image") && (e.actorId().startsWith(i) || name.equals(i)))
                        || i.equals(attributes.get("image")))
                && f.any("network", n -> e.type().equals("network") && (e.actorId().startsWith(n) || name.equals(n)))
                && f.any("volume", v -> e.type().equals("volume") && e.actorId().equals(v))
                && f.any("scope", "local"::equals)
                && f.any("daemon", d -> false)
                && f.labels(attributes);
    }

    /** An event as Docker writes it, with the older status/id/from fields compose still reads. */
    private static ObjectNode view(EngineEvents.Event e) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        if (e.type().equals("container") || e.type().equals("image")) {
            o.put("status", e.action()).put("id", e.actorId());
            if (e.attributes().containsKey("image")) {
                o.put("from", e.attributes().get("image"));
            }
        }
        o.put("Type", e.type()).put("Action", e.action());
        ObjectNode actor = o.putObject("Actor").put("ID", e.actorId());
        actor.set("Attributes", Json.MAPPER.valueToTree(e.attributes()));
        o.put("scope", "local").put("time", e.timeNano() / 1_000_000_000L).put("timeNano", e.timeNano());
        return o;
    }

    private ObjectNode diskUsage() {
        List<Container> containers = engine.containers().list(true);
        ObjectNode out = Json.MAPPER.createObjectNode();
        long layers = 0;
        ArrayNode images = out.putArray("Images");
        for (Image image : engine.images().list()) {
            long size = DiskUsage.image(image);
            layers += size;
            ObjectNode row = images.addObject().put("Id", image.id()).put("ParentId", "")
                    .put("Created", image.config().created() == null ? 0 : Instant.parse(image.config().created()).getEpochSecond())
                    .put("Size", size).put("SharedSize", 0).put("VirtualSize", size)
                    .put("Containers", containers.stream().filter(c -> c.imageId().equals(image.id())).count());
            ArrayNode tags = row.putArray("RepoTags");
            image.names().forEach(n -> tags.add(n.familiar()));
            row.putArray("RepoDigests");
            row.set("Labels", Json.MAPPER.valueToTree(image.config().containerConfig().labels()));
        }
        out.put("LayersSize", layers);
        ArrayNode rows = out.putArray("Containers");
        for (Container c : containers) {
            ObjectNode row = rows.addObject().put("Id", c.id()).put("Image", c.imageName()).put("ImageID", c.imageId())
                    .put("Command", String.join(" ", c.config().args()))
                    .put("Created", ContainerViews.epochSeconds(c.created())).put("State", c.state().status())
                    .put("Status", c.state().status()).put("SizeRw", DiskUsage.writable(engine, c)).put("SizeRootFs", 0);
            row.putArray("Names").add("/" + c.name());
            row.set("Labels", Json.MAPPER.valueToTree(c.config().labels()));
            row.putArray("Mounts");
        }
        ArrayNode volumes = out.putArray("Volumes");
        for (Volumes.Volume v : engine.volumes().list()) {
            ObjectNode row = Json.MAPPER.valueToTree(v);
            row.put("Driver", "local").put("Scope", "local").putObject("Options");
            row.putObject("UsageData").put("Size", DiskUsage.bytesUnder(Path.of(v.mountpoint())))
                    .put("RefCount", Volumes.users(v.name(), containers).size());
            volumes.add(row);
        }
        out.putArray("BuildCache");
        return out;
    }
}
