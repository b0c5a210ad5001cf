package shop.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import shop.engine.Engine;
import shop.engine.container.Container;
import shop.engine.container.MountPoint;
import shop.engine.network.Endpoint;
import shop.engine.network.Network;
import shop.engine.network.NetworkService;
import shop.engine.network.PortProxy;
import shop.engine.support.Json;

/** Containers as Docker's JSON shows them: the inspect document and the rows of the list. */
final class ContainerViews {

    private static final String NEVER = "0001-01-01T00:00:00Z";

    private final Engine engine;

    ContainerViews(Engine engine) {
        this.engine = engine;
    }

    /** A row of {@code GET /containers/json}. */
    ObjectNode row(Container c, List<Network> allNetworks) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("Id", c.id());
        o.putArray("Names").add("/" + c.name());
        o.put("Image", c.imageName()).put("ImageID", c.imageId()).put("Command", String.join(" ", c.config().args()))
                .put("Created", epochSeconds(c.created())).put("State", c.state().status()).put("Status", status(c));
        o.set("Ports", portList(c));
        o.set("Mounts", mounts(c));
        o.set("Labels", Json.MAPPER.valueToTree(c.config().labels() == null ? Map.of() : c.config().labels()));
        o.putObject("HostConfig").put("NetworkMode", c.hostConfig().networkMode());
        o.putObject("NetworkSettings").set("Networks", settings(c, allNetworks).get("Networks"));
        return o;
    }

    ObjectNode inspect(Container c) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        List<String> args = c.config().args();
        o.put("Id", c.id()).put("Created", c.created()).put("Path", args.isEmpty() ? "" : args.get(0));
        ArrayNode argv = o.putArray("Args");
        args.stream().skip(1).forEach(argv::add);
        ObjectNode state = o.putObject("State");
        state.put("Status", c.state().status()).put("Running", c.state().running()).put("Paused", c.state().paused())
                .put("Restarting", false).put("OOMKilled", false).put("Dead", false).put("Pid", c.state().pid())
                .put("ExitCode", c.state().exitCode()).put("Error", "")
                .put("StartedAt", c.state().startedAt() == null ? NEVER : c.state().startedAt())
                .put("FinishedAt", c.state().finishedAt() == null ? NEVER : c.state().finishedAt());
        if (c.state().health() != null) {
            state.putObject("Health").put("Status", c.state().health().status())
                    .put("FailingStreak", c.state().health().failingStreak()).putArray("Log");
        }
        o.put("Image", c.imageId()).put("Name", "/" + c.name()).put("RestartCount", c.state().restartCount())
                .put("Driver", "overlayfs").put("Platform", "linux");
        o.put("HostnamePath", engine.state().resolve("containers").resolve(c.id()).resolve("hostname").toString());
        o.put("HostsPath", engine.state().resolve("containers").resolve(c.id()).resolve("hosts").toString());
        ObjectNode config = Json.MAPPER.valueToTree(c.config());
        config.put("Image", c.imageName());
        if (!config.hasNonNull("Hostname")) {
            config.put("Hostname", c.id().substring(0, 12));
        }
        config.put("Tty", config.path("Tty").asBoolean(false)).put("AttachStdout", false).put("AttachStderr", false)
                .put("OpenStdin", config.path("OpenStdin").asBoolean(false));
        o.set("Config", config);
        ObjectNode hostConfig = Json.MAPPER.valueToTree(c.hostConfig());
        // docker-compose tails only containers whose log driver the API can read: the engine keeps
        // each container's log itself, as Docker's default json-file driver does.
        if (hostConfig.path("LogConfig").path("Type").asText("").isEmpty()) {
            hostConfig.putObject("LogConfig").put("Type", "json-file").putObject("Config");
        }
        o.set("HostConfig", hostConfig);
        o.set("NetworkSettings", settings(c, engine.networks().list()));
        o.set("Mounts", mounts(c));
        return o;
    }

    /** The volumes, binds and tmpfs mounts, as inspect's Mounts lists them. */
    private ArrayNode mounts(Container c) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (MountPoint m : c.mounts()) {
            ObjectNode node = out.addObject().put("Type", m.type());
            if (m.isVolume()) {
                node.put("Name", m.name()).put("Driver", "local")
                        .put("Source", engine.state().resolve("volumes").resolve(m.name()).resolve("_data").toString());
            } else {
                node.put("Source", m.type().equals(MountPoint.BIND) ? m.source() : "");
            }
            node.put("Destination", m.destination()).put("Mode", m.mode()).put("RW", m.rw())
                    .put("Propagation", m.type().equals(MountPoint.BIND) && m.propagation().isEmpty() ? "rprivate" : m.propagation());
        }
        return out;
    }

    /** NetworkSettings as inspect shows it: published ports and one entry per network. */
    private ObjectNode settings(Container c, List<Network> networks) {
        ObjectNode settings = Json.MAPPER.createObjectNode();
        ObjectNode ports = settings.putObject("Ports");
        if (c.config().exposedPorts() != null) {
            c.config().exposedPorts().keySet().forEach(p -> ports.putNull(p.contains("/") ? p : p + "/tcp"));
        }
        for (PortProxy.Binding b : c.ports()) {
            JsonNode existing = ports.get(b.containerPort());
            ArrayNode hosts = existing != null && existing.isArray() ? (ArrayNode) existing : ports.putArray(b.containerPort());
            hosts.addObject().put("HostIp", b.hostIp()).put("HostPort", String.valueOf(b.hostPort()));
        }
        ObjectNode byName = settings.putObject("Networks");
        settings.put("IPAddress", "").put("Gateway", "").put("IPPrefixLen", 0).put("MacAddress", "");
        if (!c.hostConfig().joinsNetwork()) {
            byName.putObject(c.hostConfig().networkMode()).put("IPAddress", "").put("Gateway", "");
            return settings;
        }
        settings.put("SandboxKey", engine.networks().namespace(c.id()).toString());
        for (Network n : networks) {
            Endpoint e = n.endpoints().get(c.id());
            if (e == null) {
                continue;
            }
            ObjectNode net = byName.putObject(n.name()).put("NetworkID", n.id()).put("EndpointID", c.id())
                    .put("Gateway", n.gateway()).put("IPAddress", e.ipAddress()).put("IPPrefixLen", n.prefixLength())
                    .put("MacAddress", e.macAddress());
            ArrayNode aliases = net.putArray("Aliases");
            e.aliases().forEach(aliases::add);
            if (!n.name().equals(NetworkService.DEFAULT)) {
                // As dockerd lists it on user networks: docker-compose 1.29 reconnects a container whose
                // aliases lack its short id before every start.
                aliases.add(c.shortId());
            }
            ArrayNode dnsNames = net.putArray("DNSNames");
            dnsNames.add(c.name());
            e.aliases().forEach(dnsNames::add);
            if (n.name().equals(c.hostConfig().networkMode())) {
                settings.put("IPAddress", e.ipAddress()).put("Gateway", n.gateway()).put("IPPrefixLen", n.prefixLength());
            }
        }
        return settings;
    }

    /** The ports column of {@code GET /containers/json}. */
    private static ArrayNode portList(Container c) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (PortProxy.Binding b : c.ports()) {
            out.addObject().put("IP", b.hostIp()).put("PrivatePort", b.privatePort()).put("PublicPort", b.hostPort()).put("Type", "tcp");
        }
        return out;
    }

    private static String status(Container c) {
        if (c.state().status().equals("created")) {
            return "Created";
        }
        if (c.state().running()) {
            String up = "Up " + human(Duration.between(Instant.parse(c.state().startedAt()), Instant.now()));
            up = c.state().health() == null ? up : up + " (" + c.state().health().status() + ")";
            return c.state().paused() ? up + " (Paused)" : up;
        }
        return "Exited (" + c.state().exitCode() + ") "
                + human(Duration.between(Instant.parse(c.state().finishedAt()), Instant.now())) + " ago";
    }

    static String human(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s < 60 ? s + " seconds" : s < 3600 ? s / 60 + " minutes" : s < 172_800 ? s / 3600 + " hours" : s / 86_400 + " days";
    }

    static long epochSeconds(String instant) {
        return instant == null ? 0 : Instant.parse(instant).getEpochSecond();
    }
}
