package shop.engine;

import java.nio.file.Path;
import shop.engine.build.Builder;
import shop.engine.build.DockerfileBuilder;
import shop.engine.container.ContainerService;
import shop.engine.container.LocalContainers;
import shop.engine.content.LayoutContentStore;
import shop.engine.image.BaseImages;
import shop.engine.image.ImageStore;
import shop.engine.image.LayoutImageStore;
import shop.engine.runtime.CliRuntime;
import shop.engine.runtime.OciRuntime;
import shop.engine.snapshot.OverlaySnapshotter;
import shop.engine.snapshot.Snapshotter;

/**
 * The engine's parts wired over one state directory: {@code images/} (an OCI image layout),
 * {@code snapshots/}, {@code containers/}, {@code volumes/}, {@code builds/} (RUN scratch) and
 * {@code runtime/<name>/}.
 */
public record Engine(Path state, ImageStore images, BaseImages baseImages, Snapshotter snapshots,
                     OciRuntime runtime, ContainerService containers, Builder builder) {

    /** $SHOP_ENGINE_ROOT or /var/lib/shop-engine. */
    public static Path defaultState() {
        String env = System.getenv("SHOP_ENGINE_ROOT");
        return Path.of(env != null && !env.isEmpty() ? env : "/var/lib/shop-engine");
    }

    public static Engine open(Path state, String runtimeName) {
        Path root = state.toAbsolutePath();
        ImageStore images = new LayoutImageStore(new LayoutContentStore(root.resolve("images")));
        BaseImages base = new BaseImages(images, BaseImages.defaultCache());
        Snapshotter snapshots = new OverlaySnapshotter(root.resolve("snapshots"));
        OciRuntime runtime = new CliRuntime(runtimeName, root.resolve("runtime").resolve(runtimeName));
        ContainerService containers = new LocalContainers(root.resolve("containers"), base, snapshots, runtime);
        Builder builder = new DockerfileBuilder(root.resolve("builds"), base, snapshots, runtime);
        return new Engine(root, images, base, snapshots, runtime, containers, builder);
    }
}
