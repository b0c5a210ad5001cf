package shop.engine.image;

import java.util.List;
import shop.engine.content.Descriptor;

/**
 * An image as stored: its ID (the config digest, as Docker reports it), the manifest it was
 * resolved from, and the names that point at it.
 */
public record Image(String id, Descriptor manifestDescriptor, Manifest manifest, ImageConfig config,
                    List<Reference> names) {

    public String shortId() {
        return id.substring("sha256:".length(), "sha256:".length() + 12);
    }
}
