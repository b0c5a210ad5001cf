package shop.engine.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import shop.engine.image.BaseImages;
import shop.engine.image.ContainerConfig;
import shop.engine.image.Image;
import shop.engine.network.NetworkService;
import shop.engine.snapshot.Layer;
import shop.engine.snapshot.Snapshotter;
import shop.engine.support.EngineException;
import shop.engine.support.FileTrees;
import shop.engine.support.Ids;
import shop.engine.task.Tasks;

/**
 * Makes a new container in two steps, so that none is ever half made. {@link #prepare} resolves
 * the image, merges the config and plans the HostConfig ({@link ContainerPlanner}): every refusal
 * happens there, and it creates nothing. {@link #make} then creates the directory, mounts the
 * root filesystem, writes the bundle (volumes included), joins the networks and saves the record;
 * if any of that fails, all of it is undone.
 */
final class ContainerCreation {

    /** A create that passed every check, with the id and name it will have. */
    record Prepared(String id, String name, Image image, String imageName, ContainerConfig config, HostConfig host,
                    Map<String, List<String>> networks, ContainerPlanner.Plan plan) {
    }

    private final ContainerRecords records;
    private final BaseImages images;
    private final Snapshotter snapshots;
    private final Tasks tasks;
    private final NetworkService networks;
    private final Volumes volumes;
    private final ContainerBundles bundles;
    private final ContainerPlanner planner;

    ContainerCreation(ContainerRecords records, BaseImages images, Snapshotter snapshots, Tasks tasks,
                      NetworkService networks, Volumes volumes, ContainerBundles bundles) {
        this.records = records;
        this.images = images;
        this.snapshots = snapshots;
        this.tasks = tasks;
        this.networks = networks;
        this.volumes = volumes;
        this.bundles = bundles;
        this.planner = new ContainerPlanner(networks, records::find);
    }

    static void checkName(String name) {
        if (!name.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
            throw EngineException.invalid("Invalid container name (" + name + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
        }
    }

    Prepared prepare(ContainerService.CreateRequest request) {
        String name = request.name() == null || request.name().isEmpty() ? null : request.name().replaceFirst("^/", "");
        if (name != null) {
            checkName(name);
        }
        if (request.image() == null || request.image().isEmpty()) {
            throw EngineException.invalid("create: no image given");
        }
        HostConfig host = request.hostConfig() == null ? HostConfig.DEFAULT : request.hostConfig();
        Image image = images.resolve(request.image());
        ContainerConfig config = image.config().containerConfig().mergedWith(request.config());
        HealthChecks.validate(config.healthcheck());
        if (config.args().isEmpty()) {
            throw EngineException.invalid("create: no command specified (the image has no CMD or ENTRYPOINT)");
        }
        String id = Ids.random();
        String containerName = name != null ? name : "c_" + id.substring(0, 12);
        ContainerPlanner.Plan plan = planner.plan(containerName, config, host, request.networks());
        return new Prepared(id, containerName, image, request.image(), config, host, request.networks(), plan);
    }

    /** Creates what {@code prepared} planned, over the image's {@code layers}; the caller holds the containers' lock. */
    Container make(Prepared p, List<Layer> layers) {
        if (records.findOrNull(p.name()) != null) {
            throw EngineException.conflict("Conflict. The container name \"/" + p.name() + "\" is already in use");
        }
        Path dir = records.dir(p.id());
        try {
            Files.createDirectories(dir);
            Path rootfs = tasks.mount(p.id(), layers);
            NetworkService.HostsFile hosts = bundles.write(p.id(), dir, rootfs, p.config(), p.host(), p.plan());
            Files.createFile(dir.resolve("stdout.log"));
            Files.createFile(dir.resolve("stderr.log"));
            if (p.host().joinsNetwork()) {
                joinNetworks(p, hosts);
            }
            Container container = new Container(p.id(), p.name(), p.image().id(), p.imageName(), Instant.now().toString(),
                    p.config(), p.host(), ContainerState.created(), List.of(),
                    p.plan().mounts().stream().map(ContainerMounts.Planned::point).toList(), p.plan().hostEntries());
            records.save(container);
            return container;
        } catch (IOException | RuntimeException e) {
            // Never leave a half-created container: no endpoint, no mount, no directory, no volume of its own.
            networks.release(p.id());
            snapshots.remove(p.id());
            FileTrees.deleteOrFail(dir, "undo a failed create");
            p.plan().mounts().stream().map(ContainerMounts.Planned::point)
                    .filter(m -> m.anonymous() && volumes.exists(m.name()))
                    .forEach(m -> volumes.remove(m.name(), List.of()));
            if (e instanceof EngineException engine) {
                throw engine;
            }
            throw EngineException.failed("create container from " + p.imageName() + ": " + e.getMessage(), e);
        }
    }

    /** The network NetworkMode names first (with its aliases), then any others the request lists. */
    private void joinNetworks(Prepared p, NetworkService.HostsFile hosts) {
        Map<String, List<String>> all = new LinkedHashMap<>();
        all.put(p.host().networkMode(), List.of());
        if (p.networks() != null) {
            p.networks().forEach((network, aliases) -> all.put(ContainerPlanner.networkName(network),
                    aliases == null ? List.of() : aliases));
        }
        all.forEach((network, aliases) -> networks.connect(network, p.id(), p.name(), aliases, hosts));
    }
}
