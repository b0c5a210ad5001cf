package shop.engine;

import java.nio.file.Path;
import shop.engine.build.Builder;
import shop.engine.build.DockerfileBuilder;
import shop.engine.container.ContainerService;
import shop.engine.container.LocalContainers;
import shop.engine.container.Volumes;
import shop.engine.content.LayoutContentStore;
import shop.engine.event.EngineEvents;
import shop.engine.image.BaseImages;
import shop.engine.image.ImageStore;
import shop.engine.image.LayoutImageStore;
import shop.engine.network.BridgeNetworks;
import shop.engine.network.NetworkService;
import shop.engine.network.PortProxy;
import shop.engine.registry.DockerConfigFile;
import shop.engine.registry.ProgressListener;
import shop.engine.registry.RegistryClient;
import shop.engine.runtime.CliRuntime;
import shop.engine.runtime.OciRuntime;
import shop.engine.snapshot.OverlaySnapshotter;
import shop.engine.snapshot.Snapshotter;
import shop.engine.support.EngineAccess;
import shop.engine.task.Tasks;

/**
 * The engine's parts wired over one state directory: {@code images/} (an OCI image layout),
 * {@code snapshots/}, {@code containers/}, {@code networks/}, {@code volumes/}, {@code builds/} (RUN scratch) and
 * {@code runtime/<name>/}; and the stream of events they publish.
 */
public record Engine(Path state, ImageStore images, BaseImages baseImages, Snapshotter snapshots,
                     OciRuntime runtime, NetworkService networks, Volumes volumes, ContainerService containers,
                     Builder builder, EngineEvents events) {

    /** $SHOP_ENGINE_ROOT or /var/lib/shop-engine. */
    public static Path defaultState() {
        String env = System.getenv("SHOP_ENGINE_ROOT");
        return Path.of(env != null && !env.isEmpty() ? env : "/var/lib/shop-engine");
    }

    public static Engine open(Path state, String runtimeName) {
        Path root = state.toAbsolutePath();
        EngineAccess.restrictStateRoot(root);
        ImageStore images = new LayoutImageStore(new LayoutContentStore(root.resolve("images")));
        BaseImages base = new BaseImages(images, BaseImages.defaultCache(), ref -> RegistryClient.open(images, root)
                .pull(ref, DockerConfigFile.fromEnvironment().find(ref.domain()), ProgressListener.NONE).image());
        Snapshotter snapshots = new OverlaySnapshotter(root.resolve("snapshots"));
        OciRuntime runtime = new CliRuntime(runtimeName, root.resolve("runtime").resolve(runtimeName));
        NetworkService networks = new BridgeNetworks(root.resolve("networks"));
        Volumes volumes = new Volumes(root.resolve("volumes"));
        EngineEvents events = new EngineEvents();
        Tasks tasks = new Tasks(snapshots, runtime);
        ContainerService containers = new LocalContainers(root.resolve("containers"), base, snapshots, tasks,
                networks, new PortProxy(), volumes, events);
        Builder builder = new DockerfileBuilder(root.resolve("builds"), base, snapshots, tasks);
        return new Engine(root, images, base, snapshots, runtime, networks, volumes, containers, builder, events);
    }
}
