package shop.engine.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import shop.engine.support.EngineException;
import shop.engine.support.Json;

/**
 * The stored container records, {@code containers/<id>/container.json}: the one place a
 * container's state lives, so another engine process can pick it up. Writes are atomic renames,
 * so a reader never sees half a record.
 */
final class ContainerRecords {

    private final Path root;

    ContainerRecords(Path root) {
        this.root = root;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw EngineException.failed("create " + root + ": " + e.getMessage(), e);
        }
    }

    /** The container's directory: record, bundle, logs, hosts files. */
    Path dir(String id) {
        return root.resolve(id);
    }

    /** The record, or null when there is none (or it was removed while being read). */
    Container read(String id) {
        Path file = dir(id).resolve("container.json");
        try {
            return Files.exists(file) ? Json.MAPPER.readValue(file.toFile(), Container.class) : null;
        } catch (IOException e) {
            return null;
        }
    }

    void save(Container c) {
        Path file = dir(c.id()).resolve("container.json");
        try {
            Path temp = file.resolveSibling("container.json.tmp");
            Files.write(temp, Json.bytes(c));
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw EngineException.failed("save container " + c.shortId() + ": " + e.getMessage(), e);
        }
    }

    /** Every record, in no particular order. */
    List<Container> all() {
        List<Container> result = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                Container c = read(dir.getFileName().toString());
                if (c != null) {
                    result.add(c);
                }
            }
        } catch (IOException e) {
            throw EngineException.failed("list containers in " + root + ": " + e.getMessage(), e);
        }
        return result;
    }

    Container find(String idOrName) {
        Container c = findOrNull(idOrName);
        if (c == null) {
            throw EngineException.notFound("No such container: " + idOrName);
        }
        return c;
    }

    /** By full id, exact name (with or without Docker's leading slash), or unique id prefix. */
    Container findOrNull(String idOrName) {
        String key = idOrName.startsWith("/") ? idOrName.substring(1) : idOrName;
        if (key.matches("[a-f0-9]{64}")) {
            return read(key);
        }
        if (key.isEmpty() || key.contains("/") || key.equals(".") || key.equals("..")) {
            return null;
        }
        Map<String, Container> byPrefix = new HashMap<>();
        for (Container c : all()) {
            if (c.name().equals(key)) {
                return c;
            }
            if (c.id().startsWith(key)) {
                byPrefix.put(c.id(), c);
            }
        }
        if (byPrefix.size() > 1) {
            throw EngineException.invalid("multiple containers match " + idOrName);
        }
        return byPrefix.values().stream().findFirst().orElse(null);
    }
}
