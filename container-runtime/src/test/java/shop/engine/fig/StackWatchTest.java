package shop.engine.fig;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import shop.engine.ServedEngine;
import shop.engine.TestEngines;
import shop.engine.dockerfile.DockerIgnore;

/** fig watch on a real engine: a save rebuilds its service with the watch's build args and replaces its container only. */
@Tag("root")
class StackWatchTest {

    static final Path DIR = Path.of("target/fig-watch-it").toAbsolutePath();
    static ServedEngine served;
    static DockerClient docker;
    final ByteArrayOutputStream output = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
    final Path context = DIR.resolve("web");
    final ProjectSpec project = project();
    Thread watching;

    @BeforeAll
    static void serve() throws IOException {
        served = ServedEngine.start();
        docker = served.docker();
    }

    @AfterAll
    static void stop() throws IOException {
        served.close();
    }

    @AfterEach
    void down() throws InterruptedException {
        if (watching != null) {
            watching.interrupt();
            watching.join(10_000);
        }
        new Stack(docker, project, out).down(true, null);
        assertThat(TestEngines.leftoverNamespaces()).isEmpty();
    }

    private ProjectSpec project() {
        // The container says what its image was built from: the greeting file and the FLAVOUR build arg.
        String web = "echo \"$(cat /greeting) built as $(cat /flavour)\"; " + TestEngines.HELLO_SERVER;
        return new ProjectSpec("figwatch", List.of(
                StackTest.service("db", "debian:bookworm-slim", null, TestEngines.HELLO_SERVER, Map.of(), StackTest.LISTENING,
                        List.of(), "hash-db"),
                StackTest.service("web", "figwatch/web", new ServiceSpec.Build(context, "Dockerfile", Map.of()), web, Map.of(),
                        StackTest.LISTENING, List.of(), "hash-web")),
                List.of("default"), List.of("data"), DIR, List.of("fig.yml"));
    }

    @Test
    void aSaveRebuildsItsServiceAndAFailedStepWaitsForTheNext() throws Exception {
        Files.createDirectories(context);
        Files.writeString(context.resolve("Dockerfile"), """
                FROM debian:bookworm-slim
                ARG FLAVOUR=release
                COPY greeting /greeting
                RUN echo "$FLAVOUR" > /flavour
                """);
        Files.writeString(context.resolve("greeting"), "one\n");
        Files.deleteIfExists(context.resolve("broken"));
        Stack stack = new Stack(docker, project, out);
        stack.up(List.of(), new Stack.UpOptions(false, false, Stack.Recreate.CHANGED));
        String db = stack.containers("db", false).get(0).getId();
        assertThat(greeting(stack)).isEqualTo("one built as release");

        // before_rebuild stands in for the jar's build: it fails while the context holds a file named broken.
        WatchSpec spec = new WatchSpec(Map.of("web", List.of(new WatchSpec.Rule(context, DockerIgnore.none()))),
                List.of("sh", "-c", "test ! -e web/broken"), Map.of("FLAVOUR", "dev"));
        watching = new Thread(() -> {
            try {
                new StackWatch(new Stack(docker, project, out, spec.buildArgs()), project, spec, out).run(List.of());
            } catch (IOException e) {
                throw new AssertionError(e);
            } catch (InterruptedException e) {
                // The test is over.
            }
        });
        watching.start();
        await(() -> output.toString(StandardCharsets.UTF_8).contains("Watching web: web"));

        Files.writeString(context.resolve("greeting"), "two\n");
        await(() -> output.toString(StandardCharsets.UTF_8).contains("web: running the change"));
        assertThat(greeting(stack)).isEqualTo("two built as dev");
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("web: 1 change (web/greeting)")
                .containsPattern("web: running the change, \\d+\\.\\d s after it");
        assertThat(stack.containers("db", false).get(0).getId()).as("db untouched").isEqualTo(db);

        Files.writeString(context.resolve("broken"), "");
        Files.writeString(context.resolve("greeting"), "three\n");
        await(() -> output.toString(StandardCharsets.UTF_8).contains("test ! -e web/broken exited with 1; watching for the next change"));
        assertThat(greeting(stack)).as("a failed step leaves the running service alone").isEqualTo("two built as dev");

        Files.delete(context.resolve("broken"));
        await(() -> greeting(stack).equals("three built as dev"));
        assertThat(watching.isAlive()).isTrue();
    }

    private static String greeting(Stack stack) throws InterruptedException {
        var web = stack.containers("web", false);
        return web.isEmpty() ? "" : StackTest.logs(docker, web.get(0).getId()).lines().findFirst().orElse("");
    }

    private static void await(Callable<Boolean> condition) throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        while (!condition.call()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("not met within 90 s");
            }
            Thread.sleep(200);
        }
    }
}
