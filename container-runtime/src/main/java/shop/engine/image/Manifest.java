package shop.engine.image;

import java.util.List;
import java.util.Map;
import shop.engine.content.Descriptor;

/** An image manifest: the config blob and the layer blobs, lowest first. */
public record Manifest(int schemaVersion, String mediaType, Descriptor config, List<Descriptor> layers,
                       Map<String, String> annotations) {

    public static Manifest of(Descriptor config, List<Descriptor> layers) {
        return new Manifest(2, MediaTypes.OCI_MANIFEST, config, List.copyOf(layers), null);
    }
}
