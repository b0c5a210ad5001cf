package shop.engine.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shop.engine.Engine;
import shop.engine.TestEngines;
import shop.engine.container.Container;
import shop.engine.container.ContainerService;
import shop.engine.image.ContainerConfig;

/**
 * images/jre/Dockerfile builds from the bootstrapped Debian image, its RUN reaching the Debian
 * mirror over the host's network, and the result runs java 25 and stays small: every service image
 * carries it. The services' Dockerfiles build FROM this image (--build-arg BASE_IMAGE), and
 * their AOT training run (java-service --train) fails their build when the application does not
 * start, leaving no image behind.
 */
@Tag("root")
class JreImageTest {

    @Test
    void theJreBaseImageBuildsAndRunsJava() {
        Engine engine = TestEngines.open("crun");
        try {
            StringBuilder progress = new StringBuilder();
            engine.builder().build(new Builder.BuildRequest(Path.of("images/jre"), "Dockerfile", List.of("shop/jre:25"),
                    Map.of(), null, false, Map.of()), progress::append);
            assertThat(progress).contains("Successfully tagged shop/jre:25");
            long size = engine.images().resolve("shop/jre:25").manifest().layers().stream()
                    .mapToLong(layer -> layer.size()).sum();
            assertThat(size).as("layers of shop/jre:25, bytes").isLessThan(150_000_000L);

            ContainerService containers = engine.containers();
            Container c = containers.create(new ContainerService.CreateRequest(null, "shop/jre:25",
                    ContainerConfig.EMPTY.withCmd(List.of("java", "-version")), null));
            containers.start(c.id());
            assertThat(containers.await(c.id(), ContainerService.WaitCondition.NOT_RUNNING)).isZero();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            containers.logs(c.id(), shop.engine.container.ContainerService.LogOptions.ALL, out, out);
            containers.remove(c.id(), true);
            assertThat(out.toString()).contains("openjdk version \"25");
        } finally {
            engine.containers().close();
        }
    }

    @Test
    void aServiceWhoseTrainingRunFailsIsNotBuilt(@TempDir Path context) throws Exception {
        Engine engine = TestEngines.open("crun");
        try {
            engine.builder().build(new Builder.BuildRequest(Path.of("images/jre"), "Dockerfile", List.of("shop/jre:25"),
                    Map.of(), null, false, Map.of()), line -> { });
            Files.writeString(context.resolve("app.jar"), "not a jar\n");
            Files.writeString(context.resolve("Dockerfile"),
                    "FROM shop/jre:25\nWORKDIR /app\nCOPY app.jar app.jar\nRUN java-service --train\n");
            StringBuilder progress = new StringBuilder();

            assertThatThrownBy(() -> engine.builder().build(new Builder.BuildRequest(context, "Dockerfile",
                    List.of("untrainable:1"), Map.of(), null, false, Map.of()), progress::append))
                    .hasMessageContaining("java-service --train")
                    .hasMessageContaining("returned a non-zero code");
            assertThat(progress).contains("the AOT training run of /app/app.jar failed");
            assertThat(engine.images().find("untrainable:1")).isEmpty();
        } finally {
            engine.containers().close();
        }
    }
}
