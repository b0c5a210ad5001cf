package shop.engine.container;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * One entry of Docker's HostConfig.Mounts ({@code docker run --mount}), as the client sent it;
 * {@link ContainerMounts} decides what it becomes. Options this engine does not honour are
 * refused before the body becomes one of these (api's CreateFields).
 *
 * @param consistency a macOS file-sharing hint; nothing on Linux
 */
public record MountSpec(
        @JsonProperty("Type") String type,
        @JsonProperty("Source") String source,
        @JsonProperty("Target") String target,
        @JsonProperty("ReadOnly") boolean readOnly,
        @JsonProperty("Consistency") String consistency,
        @JsonProperty("BindOptions") BindOptions bindOptions,
        @JsonProperty("VolumeOptions") VolumeOptions volumeOptions,
        @JsonProperty("TmpfsOptions") TmpfsOptions tmpfsOptions) {

    /**
     * @param nonRecursive    bind the source alone, not the mounts under it
     * @param createMountpoint create a missing source directory instead of refusing the mount
     */
    public record BindOptions(@JsonProperty("Propagation") String propagation,
                              @JsonProperty("NonRecursive") boolean nonRecursive,
                              @JsonProperty("CreateMountpoint") boolean createMountpoint) {
    }

    /**
     * @param noCopy a new volume starts empty instead of with the image's files at the target
     * @param labels the labels of a volume this mount creates
     */
    public record VolumeOptions(@JsonProperty("NoCopy") boolean noCopy,
                                @JsonProperty("Labels") Map<String, String> labels) {
    }

    /** @param mode the permission bits of the tmpfs's root, as a number (Go's FileMode): 1023 is 01777 */
    public record TmpfsOptions(@JsonProperty("SizeBytes") long sizeBytes, @JsonProperty("Mode") int mode) {
    }
}
