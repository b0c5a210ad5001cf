package shop.engine.fig;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import shop.engine.support.Json;

/**
 * The releases {@code fig deploy} made of one service, oldest first: which version and image, when,
 * by whom, and how it ended. One JSON object per line in
 * {@code .fig/releases/<project>/<service>.jsonl} beside the stack's file, appended and never
 * rewritten, so that two deploys of different services never touch one file. {@code down -v}
 * removes the project's history with the volumes that held its images.
 */
final class ReleaseHistory {

    static final String DEPLOYED = "deployed";
    static final String FAILED = "failed";

    /** One release; {@code outcome} is {@value #DEPLOYED} or {@value #FAILED}, {@code detail} says why or how. */
    record Release(String version, String image, String imageId, String at, String by, String outcome, String detail) {
        boolean deployed() {
            return DEPLOYED.equals(outcome);
        }
    }

    private final Path file;

    ReleaseHistory(ProjectSpec project, String service) {
        this.file = folder(project).resolve(service + ".jsonl");
    }

    static Path folder(ProjectSpec project) {
        return project.workingDir().resolve(".fig").resolve("releases").resolve(project.name());
    }

    /** Removes the project's history, every service's. */
    static void forget(ProjectSpec project) {
        Path folder = folder(project);
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
            Files.delete(folder);
        } catch (IOException e) {
            throw new FigException("removing the release history in " + folder + ": " + e.getMessage(), e);
        }
    }

    List<Release> list() {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<Release> releases = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) {
                    continue;
                }
                try {
                    releases.add(Json.MAPPER.readValue(lines.get(i), Release.class));
                } catch (JsonProcessingException e) {
                    throw new FigException(file + ":" + (i + 1) + ": not a release record: " + e.getOriginalMessage());
                }
            }
        } catch (IOException e) {
            throw new FigException("reading " + file + ": " + e.getMessage(), e);
        }
        return releases;
    }

    void add(String version, String image, String imageId, String outcome, String detail) {
        Release release = new Release(version, image, imageId, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                System.getProperty("user.name"), outcome, detail);
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, (Json.MAPPER.writeValueAsString(release) + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new FigException("recording the release in " + file + ": " + e.getMessage(), e);
        }
    }

    /** The release serving now: the last one deployed. */
    Optional<Release> current() {
        return list().stream().filter(Release::deployed).reduce((first, second) -> second);
    }

    /** The last release deployed before the current one with another version: what a rollback returns to. */
    Optional<Release> previous() {
        List<Release> deployed = list().stream().filter(Release::deployed).toList();
        if (deployed.isEmpty()) {
            return Optional.empty();
        }
        String serving = deployed.get(deployed.size() - 1).version();
        for (int i = deployed.size() - 2; i >= 0; i--) {
            if (!deployed.get(i).version().equals(serving)) {
                return Optional.of(deployed.get(i));
            }
        }
        return Optional.empty();
    }
}
