package shop.engine.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import shop.engine.content.Descriptor;

/** An image index: index.json of the layout (the tag store) or a multi-platform image. */
public record Index(int schemaVersion, String mediaType,
                    @JsonInclude(JsonInclude.Include.ALWAYS) List<Descriptor> manifests,
                    Map<String, String> annotations) {

    public static Index of(List<Descriptor> manifests) {
        return new Index(2, MediaTypes.OCI_INDEX, List.copyOf(manifests), null);
    }
}
