package shop.engine.snapshot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import shop.engine.content.ContentStore;
import shop.engine.content.Descriptor;
import shop.engine.image.Image;
import shop.engine.image.ImageConfig;

/** One image layer as the snapshotter needs it: its diff ID and its blob, maybe gzipped. */
public record Layer(String diffId, Path blob) {

    /** An image's layers, lowest first. */
    public static List<Layer> of(Image image, ContentStore content) {
        return of(image.config(), image.manifest().layers(), content);
    }

    /** The diff IDs of a config paired with the blobs of its layers in {@code content}, lowest first. */
    public static List<Layer> of(ImageConfig config, List<Descriptor> blobs, ContentStore content) {
        List<Layer> layers = new ArrayList<>();
        List<String> diffIds = config.diffIds();
        for (int i = 0; i < diffIds.size(); i++) {
            layers.add(new Layer(diffIds.get(i), content.path(blobs.get(i).digest())));
        }
        return layers;
    }
}
