package shop.engine.fig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.model.Container;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shop.engine.support.Json;

/** The order fig stops a stack in: each container only after the services that depend on its own. */
class DependentsFirstTest {

    /** gateway -> catalog -> db and worker -> db; cache stands alone. */
    static final String FILE = """
            services:
              gateway: {image: x, depends_on: [catalog]}
              catalog: {image: x, depends_on: [db]}
              worker: {image: x, depends_on: [db]}
              db: {image: x}
              cache: {image: x}
            """;

    @TempDir
    Path dir;

    /** When each container's action began and ended, in ms since the start. */
    final Map<String, long[]> times = new ConcurrentHashMap<>();
    final long start = System.nanoTime();

    @Test
    void aServiceWaitsForItsOwnDependentsOnlyAndTheRestGoAtOnce() throws IOException {
        DependentsFirst.apply(containers("gateway", "catalog", "worker", "db", "cache"), stack(),
                timed(Map.of("gateway", 300L, "catalog", 300L)));

        assertThat(began("cache")).as("nothing depends on cache").isLessThan(ended("gateway"));
        assertThat(began("worker")).as("nothing depends on worker").isLessThan(ended("gateway"));
        assertThat(began("catalog")).isGreaterThanOrEqualTo(ended("gateway"));
        assertThat(began("db")).isGreaterThanOrEqualTo(ended("catalog")).isGreaterThanOrEqualTo(ended("worker"));
    }

    @Test
    void aDependencyWaitsForDependentsThroughAServiceWithNothingToStop() throws IOException {
        DependentsFirst.apply(containers("gateway", "db"), stack(), timed(Map.of("gateway", 300L)));

        assertThat(times).containsOnlyKeys("gateway", "db");
        assertThat(began("db")).isGreaterThanOrEqualTo(ended("gateway"));
    }

    @Test
    void aFailureLeavesWhatItsServiceDependsOnAndIsRethrownOnceTheRestIsDone() throws IOException {
        Consumer<Container> timed = timed(Map.of("cache", 300L));
        Consumer<Container> failing = c -> {
            if (service(c).equals("catalog")) {
                throw new FigException("catalog would not stop");
            }
            timed.accept(c);
        };

        assertThatThrownBy(() -> DependentsFirst.apply(containers("gateway", "catalog", "worker", "db", "cache"), stack(),
                failing)).isInstanceOf(FigException.class).hasMessage("catalog would not stop");
        assertThat(times).as("db is still needed by catalog").containsOnlyKeys("gateway", "worker", "cache");
        assertThat(ended("cache")).as("the rest went on").isPositive();
    }

    private StackContainers stack() throws IOException {
        Path file = dir.resolve("fig.yml");
        Files.writeString(file, FILE);
        return new StackContainers(null, FigFile.load(file, "order", List.of(), Map.of()).project());
    }

    /** A container of each service, labelled as fig labels them. */
    private static List<Container> containers(String... services) {
        return List.of(services).stream().map(s -> Json.MAPPER.convertValue(Map.of("Id", s + "-id",
                "Labels", Map.of(ComposeLabels.PROJECT, "order", ComposeLabels.SERVICE, s)), Container.class)).toList();
    }

    private static String service(Container c) {
        return c.getLabels().get(ComposeLabels.SERVICE);
    }

    /** Notes when each container's action began and ended; those named take that long (ms). */
    private Consumer<Container> timed(Map<String, Long> millis) {
        return c -> {
            long began = elapsed();
            try {
                Thread.sleep(millis.getOrDefault(service(c), 0L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            times.put(service(c), new long[] {began, elapsed()});
        };
    }

    private long elapsed() {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private long began(String service) {
        return times.get(service)[0];
    }

    private long ended(String service) {
        return times.get(service)[1];
    }
}
