package shop.engine.container;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import shop.engine.network.PortProxy;
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
        @JsonProperty("State") ContainerState state,
        @JsonProperty("Ports") List<PortProxy.Binding> ports) {

    public Container {
        ports = ports == null ? List.of() : List.copyOf(ports);
    }

    Container withState(ContainerState newState) {
        return new Container(id, name, imageId, imageName, created, config, hostConfig, newState, ports);
    }

    Container withName(String newName) {
        return new Container(id, newName, imageId, imageName, created, config, hostConfig, state, ports);
    }

    /** The ports published while it runs, with the host ports actually bound. */
    Container withPorts(List<PortProxy.Binding> published) {
        return new Container(id, name, imageId, imageName, created, config, hostConfig, state, published);
    }

    public String shortId() {
        return id.substring(0, 12);
    }
}
