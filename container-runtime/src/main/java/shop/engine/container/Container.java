package shop.engine.container;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import shop.engine.network.PortProxy;
import shop.engine.image.ContainerConfig;

/**
 * A container record: the image it came from, the run config merged from image and request the
 * way Docker merges them, how the host runs it, and its state.
 *
 * @param mounts      its volumes, binds and tmpfs mounts as decided at create (a record written
 *                    before these were kept has its binds read again)
 * @param hostEntries the lines its /etc/hosts holds besides its networks' members: ExtraHosts
 *                    and Links, with their addresses as resolved at create
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
        @JsonProperty("Ports") List<PortProxy.Binding> ports,
        @JsonProperty("Mounts") List<MountPoint> mounts,
        @JsonProperty("HostEntries") List<String> hostEntries) {

    public Container {
        ports = ports == null ? List.of() : List.copyOf(ports);
        mounts = mounts != null ? List.copyOf(mounts)
                : hostConfig == null ? List.of() : ContainerMounts.ofLegacyBinds(hostConfig.binds());
        hostEntries = hostEntries == null ? List.of() : List.copyOf(hostEntries);
    }

    Container withState(ContainerState newState) {
        return new Container(id, name, imageId, imageName, created, config, hostConfig, newState, ports, mounts, hostEntries);
    }

    Container withName(String newName) {
        return new Container(id, newName, imageId, imageName, created, config, hostConfig, state, ports, mounts, hostEntries);
    }

    /** The ports published while it runs, with the host ports actually bound. */
    Container withPorts(List<PortProxy.Binding> published) {
        return new Container(id, name, imageId, imageName, created, config, hostConfig, state, published, mounts, hostEntries);
    }

    public String shortId() {
        return id.substring(0, 12);
    }
}
