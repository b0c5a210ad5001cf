package shop.engine.container;

import com.fasterxml.jackson.annotation.JsonProperty;
import shop.engine.image.ContainerConfig;

/**
 * A container record: the image it came from, the run config merged from image and request the
 * way Docker merges them, how the host runs it, and its state.
 */
public record Container(
        @JsonProperty("Id") String id,
        @JsonProperty("Name") String name,
        @JsonProperty("Image") String imageId,
        @JsonProperty("ImageName") String imageName,
        @JsonProperty("Created") String created,
        @JsonProperty("Config") ContainerConfig config,
        @JsonProperty("HostConfig") HostConfig hostConfig,
        @JsonProperty("State") ContainerState state) {

    Container withState(ContainerState newState) {
        return new Container(id, name, imageId, imageName, created, config, hostConfig, newState);
    }

    public String shortId() {
        return id.substring(0, 12);
    }
}
