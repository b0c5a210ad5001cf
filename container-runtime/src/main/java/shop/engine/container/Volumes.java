package shop.engine.container;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import shop.engine.support.EngineException;
import shop.engine.support.FileTrees;
import shop.engine.support.HostCommands;
import shop.engine.support.Json;

/**
 * Named volumes: {@code volumes/<name>/_data}, bind-mounted into containers and outliving them.
 *
 * <p>Lifecycle: {@link #create}, or the first container that names one ({@link #mountpoint});
 * {@link #remove} only when no container refers to it.
 */
public final class Volumes {

    public static final String NAME_PATTERN = "[a-zA-Z0-9][a-zA-Z0-9_.-]+";

    public record Volume(@JsonProperty("Name") String name, @JsonProperty("Mountpoint") String mountpoint,
                         @JsonProperty("Labels") Map<String, String> labels, @JsonProperty("CreatedAt") String createdAt) {
    }

    private final Path root;

    public Volumes(Path root) {
        this.root = root;
    }

    /** Creates it, or returns the existing one of that name (as Docker does); a null name gets a random one. */
    public synchronized Volume create(String name, Map<String, String> labels) {
        String chosen = name == null || name.isEmpty() ? shop.engine.support.Ids.random() : name;
        if (!chosen.matches(NAME_PATTERN)) {
            throw EngineException.invalid("create " + chosen + ": \"" + chosen
                    + "\" includes invalid characters for a local volume name, only \"" + NAME_PATTERN + "\" are allowed");
        }
        Path dir = root.resolve(chosen);
        if (!Files.exists(dir.resolve("volume.json"))) {
            try {
                Files.createDirectories(dir.resolve("_data"));
                Files.write(dir.resolve("volume.json"), Json.bytes(new Volume(chosen, dir.resolve("_data").toString(),
                        labels == null ? Map.of() : labels, Instant.now().toString())));
            } catch (IOException e) {
                throw EngineException.failed("create volume " + chosen + ": " + e.getMessage(), e);
            }
        }
        return inspect(chosen);
    }

    /**
     * The directory a container mounts; creates the volume (with these labels) on first use. An
     * empty volume gets a copy of {@code imageContent} (what the image holds at the mount point;
     * null for none), owners and modes included, so an image that runs as its own user can write
     * to its data directory.
     */
    synchronized Path mountpoint(String name, Map<String, String> labels, Path imageContent) {
        Path data = Path.of(create(name, labels).mountpoint());
        try (Stream<Path> entries = Files.list(data)) {
            if (imageContent != null && entries.findAny().isEmpty()
                    && Files.isDirectory(imageContent, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                HostCommands.run(List.of("cp", "-a", imageContent + "/.", data.toString()), null, "fill volume " + name);
                HostCommands.run(List.of("chown", "--reference=" + imageContent, data.toString()), null, "fill volume " + name);
                HostCommands.run(List.of("chmod", "--reference=" + imageContent, data.toString()), null, "fill volume " + name);
            }
        } catch (IOException e) {
            throw EngineException.failed("fill volume " + name + ": " + e.getMessage(), e);
        }
        return data;
    }

    /** Whether a volume of that name exists. */
    synchronized boolean exists(String name) {
        return name.matches(NAME_PATTERN) && Files.exists(root.resolve(name).resolve("volume.json"));
    }

    public synchronized Volume inspect(String name) {
        Path file = root.resolve(name).resolve("volume.json");
        if (!name.matches(NAME_PATTERN) || !Files.exists(file)) {
            throw EngineException.notFound("get " + name + ": no such volume");
        }
        try {
            return Json.MAPPER.readValue(file.toFile(), Volume.class);
        } catch (IOException e) {
            throw EngineException.failed("read volume " + name + ": " + e.getMessage(), e);
        }
    }

    public synchronized List<Volume> list() {
        List<Volume> volumes = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return volumes;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.filter(d -> Files.exists(d.resolve("volume.json")))
                    .forEach(d -> volumes.add(inspect(d.getFileName().toString())));
        } catch (IOException e) {
            throw EngineException.failed("list volumes: " + e.getMessage(), e);
        }
        return volumes;
    }

    /** Refuses while {@code users} (the containers that mount it) is not empty. */
    public synchronized void remove(String name, List<Container> users) {
        inspect(name);
        if (!users.isEmpty()) {
            throw EngineException.conflict("remove " + name + ": volume is in use - [" + users.get(0).id() + "]");
        }
        FileTrees.deleteOrFail(root.resolve(name), "remove volume " + name);
    }

    /** The containers that mount this volume. */
    public static List<Container> users(String name, List<Container> containers) {
        return containers.stream()
                .filter(c -> c.mounts().stream().anyMatch(m -> m.isVolume() && m.name().equals(name)))
                .toList();
    }
}
