package shop.engine.image;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * The OCI image configuration: how to run the image ({@link ContainerConfig}), its layers'
 * diff IDs, lowest first, and the history of the steps that made it.
 */
public record ImageConfig(String created, String author, String architecture, String os,
                          ContainerConfig config, RootFs rootfs, List<History> history) {

    public record RootFs(String type, @JsonProperty("diff_ids") List<String> diffIds) {
    }

    public record History(String created, @JsonProperty("created_by") String createdBy, String comment,
                          @JsonProperty("empty_layer") Boolean emptyLayer) {
    }

    public static ImageConfig empty(String created) {
        return new ImageConfig(created, null, "amd64", "linux", ContainerConfig.EMPTY,
                new RootFs("layers", List.of()), List.of());
    }

    public List<String> diffIds() {
        return rootfs == null || rootfs.diffIds() == null ? List.of() : rootfs.diffIds();
    }

    public ImageConfig withConfig(ContainerConfig newConfig) {
        return new ImageConfig(created, author, architecture, os, newConfig, rootfs, history);
    }

    public ContainerConfig containerConfig() {
        return config == null ? ContainerConfig.EMPTY : config;
    }

    /** This config with one more step: a layer (diffId non-null) or a config-only change. */
    public ImageConfig withStep(String createdAt, String createdBy, String diffId) {
        List<String> ids = new ArrayList<>(diffIds());
        if (diffId != null) {
            ids.add(diffId);
        }
        List<History> steps = new ArrayList<>(history == null ? List.of() : history);
        steps.add(new History(createdAt, createdBy, null, diffId == null ? Boolean.TRUE : null));
        return new ImageConfig(createdAt, author, architecture, os, config, new RootFs("layers", ids), steps);
    }
}
