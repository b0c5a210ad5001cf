package shop.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import shop.engine.Engine;
import shop.engine.container.Container;
import shop.engine.container.ContainerService;
import shop.engine.event.EngineEvents;
import shop.engine.image.ContainerConfig;
import shop.engine.image.Image;
import shop.engine.image.ImageConfig;
import shop.engine.image.Reference;
import shop.engine.support.EngineException;
import shop.engine.support.Json;

/**
 * Docker's {@code /images} endpoints that work on stored images: list (with Docker's filters),
 * inspect, history, tag, remove (refused while a container uses the image, unless forced),
 * prune; and {@code POST /commit}, which makes an image from a container.
 */
final class ImageEndpoints implements Router.Endpoints {

    private static final Set<String> LIST_FILTERS = Set.of("reference", "label", "label!", "dangling", "before", "since", "until");
    private static final Set<String> PRUNE_FILTERS = Set.of("dangling", "label", "label!", "until");

    private final Engine engine;
    private final EngineEvents events;

    ImageEndpoints(Engine engine, EngineEvents events) {
        this.engine = engine;
        this.events = events;
    }

    @Override
    public void register(Router router) {
        router.on("GET", "/images/json", this::list);
        router.on("POST", "/images/prune", this::prune);
        router.on("GET", "/images/(.+)/json", call -> call.json(200, inspect(engine.images().resolve(call.path(1)))));
        router.on("GET", "/images/(.+)/history", call -> call.json(200, history(engine.images().resolve(call.path(1)))));
        router.on("POST", "/images/(.+)/tag", call -> {
            String repo = call.required("repo");
            String tag = call.query("tag");
            String target = tag == null ? repo : repo + ":" + tag;
            Image image = engine.images().tag(call.path(1), target);
            events.publish("image", "tag", image.id(), Map.of("name", Reference.parse(target).familiar()));
            call.empty(201);
        });
        router.on("DELETE", "/images/(.+)", call -> call.json(200, remove(call.path(1), call.flag("force"))));
        router.on("POST", "/commit", this::commit);
    }

    private void list(Call call) {
        Filters filters = call.filters().accept(LIST_FILTERS);
        Boolean dangling = filters.bool("dangling");
        Instant before = filters.has("before") ? created(engine.images().resolve(filters.get("before").get(0))) : null;
        Instant since = filters.has("since") ? created(engine.images().resolve(filters.get("since").get(0))) : null;
        Instant until = filters.has("until") ? ContainerEndpoints.untilOf(filters.get("until").get(0)) : null;
        List<Container> containers = engine.containers().list(true);
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (Image image : engine.images().list()) {
            Instant created = created(image);
            if (!filters.labels(image.config().containerConfig().labels())
                    || (dangling != null && dangling != image.names().isEmpty())
                    || !filters.any("reference", pattern -> referenceMatches(pattern, image))
                    || (before != null && !created.isBefore(before)) || (since != null && !created.isAfter(since))
                    || (until != null && !created.isBefore(until))) {
                continue;
            }
            out.add(row(image, users(image, containers).size()));
        }
        call.json(200, out);
    }

    private static Instant created(Image image) {
        String created = image.config().created();
        return created == null ? Instant.EPOCH : Instant.parse(created);
    }

    /** Docker's reference filter: a glob over {@code name} or {@code name:tag}, in the familiar form. */
    static boolean referenceMatches(String pattern, Image image) {
        Pattern glob = Pattern.compile(glob(pattern));
        for (Reference name : image.names()) {
            String familiar = name.familiar();
            String repository = familiar.contains(":") && familiar.lastIndexOf(':') > familiar.lastIndexOf('/')
                    ? familiar.substring(0, familiar.lastIndexOf(':')) : familiar;
            if (glob.matcher(familiar).matches() || glob.matcher(repository).matches()
                    || glob.matcher(name.toString()).matches()) {
                return true;
            }
        }
        return false;
    }

    /** A path glob as Go's path.Match reads it: {@code *} and {@code ?} stop at a slash. */
    private static String glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char ch : pattern.toCharArray()) {
            switch (ch) {
                case '*' -> regex.append("[^/]*");
                case '?' -> regex.append("[^/]");
                default -> regex.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return regex.toString();
    }

    private static List<Container> users(Image image, List<Container> containers) {
        return containers.stream().filter(c -> c.imageId().equals(image.id())).toList();
    }

    private static ObjectNode row(Image image, int containers) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("Id", image.id()).put("ParentId", "").put("Created", created(image).getEpochSecond())
                .put("Size", DiskUsage.image(image)).put("SharedSize", -1).put("VirtualSize", DiskUsage.image(image))
                .put("Containers", containers);
        ArrayNode tags = o.putArray("RepoTags");
        image.names().forEach(n -> tags.add(n.familiar()));
        o.putArray("RepoDigests");
        o.set("Labels", Json.MAPPER.valueToTree(image.config().containerConfig().labels()));
        return o;
    }

    private static ObjectNode inspect(Image image) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("Id", image.id()).put("Parent", "").put("Comment", "");
        ArrayNode tags = o.putArray("RepoTags");
        image.names().forEach(n -> tags.add(n.familiar()));
        o.putArray("RepoDigests");
        o.put("Created", image.config().created()).put("Os", image.config().os()).put("Architecture", image.config().architecture())
                .put("Author", image.config().author() == null ? "" : image.config().author()).put("Size", DiskUsage.image(image))
                .put("VirtualSize", DiskUsage.image(image)).put("DockerVersion", "");
        JsonNode config = Json.MAPPER.valueToTree(image.config().containerConfig());
        o.set("Config", config);
        // docker-compose 1.29 reads it when it recreates a container (KeyError without it).
        o.set("ContainerConfig", config);
        o.putObject("GraphDriver").put("Name", "overlayfs").putObject("Data");
        ObjectNode rootfs = o.putObject("RootFS").put("Type", "layers");
        image.config().diffIds().forEach(rootfs.putArray("Layers")::add);
        o.putObject("Metadata").put("LastTagTime", "0001-01-01T00:00:00Z");
        return o;
    }

    /** The steps that made the image, newest first; each step that made a layer has that layer's size. */
    private static ArrayNode history(Image image) {
        List<ImageConfig.History> steps = image.config().history() == null ? List.of() : image.config().history();
        List<Long> sizes = image.manifest().layers().stream().map(l -> l.size()).toList();
        ArrayNode out = Json.MAPPER.createArrayNode();
        int layer = 0;
        List<ObjectNode> rows = new ArrayList<>();
        for (ImageConfig.History step : steps) {
            boolean empty = Boolean.TRUE.equals(step.emptyLayer());
            long size = !empty && layer < sizes.size() ? sizes.get(layer++) : 0;
            rows.add(Json.MAPPER.createObjectNode().put("Id", "<missing>")
                    .put("Created", step.created() == null ? 0 : Instant.parse(step.created()).getEpochSecond())
                    .put("CreatedBy", step.createdBy() == null ? "" : step.createdBy()).put("Size", size)
                    .put("Comment", step.comment() == null ? "" : step.comment()).putNull("Tags"));
        }
        for (int i = rows.size() - 1; i >= 0; i--) {
            out.add(rows.get(i));
        }
        if (!out.isEmpty()) {
            ObjectNode top = (ObjectNode) out.get(0);
            top.put("Id", image.id());
            ArrayNode tags = top.putArray("Tags");
            image.names().forEach(n -> tags.add(n.familiar()));
        }
        return out;
    }

    /**
     * Docker's rmi: a name of an image that has others is only untagged; otherwise an image a
     * container uses is a 409, and forced, only loses its names (a running container's image cannot
     * be forced either way), so no container is left without its image.
     */
    private ArrayNode remove(String refOrId, boolean force) {
        Image image = engine.images().resolve(refOrId);
        boolean untagOnly = image.names().size() > 1 && image.names().stream().anyMatch(n -> sameName(n, refOrId));
        List<Container> users = users(image, engine.containers().list(true));
        List<String> report;
        if (!untagOnly && !users.isEmpty()) {
            Container user = users.get(0);
            if (!force || user.state().running()) {
                throw EngineException.conflict("conflict: unable to " + (sameNameAny(image, refOrId) ? "remove repository reference \""
                        + refOrId + "\"" : "delete " + image.shortId()) + " (" + (user.state().running() ? "cannot" : "must")
                        + " be forced) - image is being used by " + (user.state().running() ? "running" : "stopped")
                        + " container " + user.shortId());
            }
            report = engine.images().untag(refOrId);
        } else {
            report = engine.images().remove(refOrId, force);
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (String line : report) {
            String[] kv = line.split(": ", 2);
            out.addObject().put(kv[0], kv[1]);
            events.publish("image", kv[0].equals("Untagged") ? "untag" : "delete", image.id(), Map.of("name", kv[1]));
        }
        return out;
    }

    private static boolean sameNameAny(Image image, String text) {
        return image.names().stream().anyMatch(n -> sameName(n, text));
    }

    private static boolean sameName(Reference name, String text) {
        try {
            return name.equals(Reference.parse(text));
        } catch (EngineException notAName) {
            return false;
        }
    }

    /** Unused images: dangling ones by default; every unused one with {@code dangling=false}. */
    private void prune(Call call) {
        Filters filters = call.filters().accept(PRUNE_FILTERS);
        Boolean danglingOnly = filters.bool("dangling");
        boolean onlyDangling = danglingOnly == null || danglingOnly;
        Instant until = filters.has("until") ? ContainerEndpoints.untilOf(filters.get("until").get(0)) : null;
        List<Container> containers = engine.containers().list(true);
        ArrayNode deleted = Json.MAPPER.createArrayNode();
        long reclaimed = 0;
        for (Image image : engine.images().list()) {
            if ((onlyDangling && !image.names().isEmpty()) || !users(image, containers).isEmpty()
                    || !filters.labels(image.config().containerConfig().labels())
                    || (until != null && !created(image).isBefore(until))) {
                continue;
            }
            reclaimed += DiskUsage.image(image);
            deleted.addAll(remove(image.id(), true));
        }
        events.publish("image", "prune", "", Map.of("reclaimed", String.valueOf(reclaimed)));
        call.json(200, Json.MAPPER.createObjectNode().put("SpaceReclaimed", reclaimed).set("ImagesDeleted", deleted));
    }

    /** POST /commit: the container's changes as a new image, with the body's Config and the {@code changes} applied. */
    private void commit(Call call) throws IOException {
        Container c = engine.containers().inspect(call.required("container"));
        String repo = call.query("repo");
        String tag = call.query("tag");
        if (repo == null && tag != null) {
            throw EngineException.invalid("tag: a tag needs a repo");
        }
        String reference = repo == null ? null : tag == null ? repo : repo + ":" + tag;
        if (reference != null) {
            Reference.parse(reference);
        }
        JsonNode body = call.optionalBody();
        ContainerConfig config = body.isObject() && body.size() > 0
                ? c.config().mergedWith(Json.MAPPER.treeToValue(body, ContainerConfig.class)) : c.config();
        config = ConfigChanges.apply(config, call.queryValues("changes"));
        Image image = engine.containers().commit(c.id(), new ContainerService.CommitRequest(reference, call.query("comment"),
                call.query("author"), config, call.flag("pause", true)));
        call.json(201, Json.MAPPER.createObjectNode().put("Id", image.id()));
    }
}
