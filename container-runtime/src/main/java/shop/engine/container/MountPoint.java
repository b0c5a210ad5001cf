package shop.engine.container;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A mount of a container as decided at create and kept in its record, from its binds, Mounts,
 * Tmpfs, VolumesFrom or an anonymous volume: what inspect lists, what {@code docker cp} goes
 * through, and what a later {@code --volumes-from} copies.
 *
 * @param type      bind, volume or tmpfs
 * @param name      the volume's name (volume)
 * @param source    the host path (bind)
 * @param mode      the mode text the client gave ({@code ro,z}), as inspect shows it
 * @param options   a tmpfs's mount options; {@code bind} for a bind that is not recursive
 * @param anonymous a volume made for this container alone, removed with it by {@code rm -v}
 */
public record MountPoint(
        @JsonProperty("Type") String type,
        @JsonProperty("Name") String name,
        @JsonProperty("Source") String source,
        @JsonProperty("Destination") String destination,
        @JsonProperty("Mode") String mode,
        @JsonProperty("RW") boolean rw,
        @JsonProperty("Propagation") String propagation,
        @JsonProperty("Options") List<String> options,
        @JsonProperty("Anonymous") boolean anonymous) {

    public static final String BIND = "bind";
    public static final String VOLUME = "volume";
    public static final String TMPFS = "tmpfs";

    public MountPoint {
        mode = mode == null ? "" : mode;
        propagation = propagation == null ? "" : propagation;
        options = options == null ? List.of() : List.copyOf(options);
    }

    /** The mount as another container borrows it ({@code --volumes-from x:ro}); never the borrower's to remove. */
    MountPoint borrowed(boolean writable, String newMode) {
        return new MountPoint(type, name, source, destination, newMode, writable, propagation, options, false);
    }

    public boolean isVolume() {
        return type.equals(VOLUME);
    }
}
