package shop.engine.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shop.engine.Engine;
import shop.engine.TestEngines;
import shop.engine.TestTars;
import shop.engine.container.Container;
import shop.engine.dockerfile.DockerfileException;
import shop.engine.image.ContainerConfig;
import shop.engine.image.Image;
import shop.engine.snapshot.Mounts;

/** Real builds: RUN steps in crun containers on the debian base image. */
@Tag("root")
class DockerfileBuilderTest {

    @TempDir
    Path context;
    Engine engine;
    StringBuilder progress;

    @BeforeEach
    void open() {
        engine = TestEngines.open("crun");
        progress = new StringBuilder();
    }

    @AfterEach
    void cleanUp() {
        for (Container c : engine.containers().list(true)) {
            engine.containers().remove(c.id(), true);
        }
        engine.containers().close();
        assertThat(Mounts.under(TestEngines.STATE.resolve("snapshots/active"))).isEmpty();
    }

    private Image build(String dockerfile, Map<String, String> args, String... tags) throws Exception {
        Files.writeString(context.resolve("Dockerfile"), dockerfile);
        progress.setLength(0);
        return engine.builder().build(new Builder.BuildRequest(context, "Dockerfile", List.of(tags), args, null, false, Map.of()),
                progress::append);
    }

    private String run(String image, String... cmd) {
        return TestEngines.run(engine, image, cmd).output();
    }

    @Test
    void multiStageBuildCopiesFromAnEarlierStageAndRuns() throws Exception {
        Files.writeString(context.resolve("hello.txt"), "world");
        build("""
                ARG BASE=debian:bookworm-slim
                FROM ${BASE} AS builder
                WORKDIR /src
                COPY hello.txt ./
                RUN echo "built from $(cat hello.txt)" > out.txt
                FROM $BASE
                COPY --from=builder /src/out.txt /app/
                CMD ["cat", "/app/out.txt"]
                """, Map.of(), "localhost/multi:1");
        assertThat(run("localhost/multi:1")).isEqualTo("built from world\n");
        assertThat(progress).contains("Successfully tagged localhost/multi:1");
    }

    @Test
    void cacheIgnoresMtimesAndAContentChangeInvalidatesEveryLaterStep() throws Exception {
        Path file = context.resolve("data.txt");
        Files.writeString(file, "v1");
        // A nonce: the cache outlives test runs, and this test needs its first build to miss.
        String dockerfile = """
                FROM debian:bookworm-slim
                RUN echo step-one %d > /one
                COPY data.txt /data.txt
                RUN cat /data.txt > /copy
                """.formatted(System.nanoTime());
        Image first = build(dockerfile, Map.of());
        assertThat(progress.toString()).doesNotContain("Using cache").contains("step-one");

        Files.setLastModifiedTime(file, FileTime.fromMillis(0));
        Image second = build(dockerfile, Map.of());
        assertThat(second.id()).isEqualTo(first.id());
        assertThat(progress.toString().split("Using cache", -1)).hasSize(4);

        Files.writeString(file, "v2");
        Image third = build(dockerfile, Map.of());
        assertThat(third.id()).isNotEqualTo(first.id());
        assertThat(progress.toString().split("Using cache", -1)).hasSize(2);
        assertThat(run(third.id(), "cat", "/copy")).isEqualTo("v2");
    }

    @Test
    void copyFromIsKeyedOnWhatItCopiesSoAChangeElsewhereInTheSourceStageKeepsItsLayer() throws Exception {
        Files.writeString(context.resolve("app.txt"), "app v1");
        String dockerfile = """
                FROM debian:bookworm-slim AS parts
                RUN mkdir /deps && echo deps %d > /deps/lib.txt
                COPY app.txt /app/app.txt
                FROM debian:bookworm-slim
                COPY --from=parts /deps/ /deps/
                COPY --from=parts /app/ /app/
                """.formatted(System.nanoTime());
        Image first = build(dockerfile, Map.of());

        Files.writeString(context.resolve("app.txt"), "app v2");
        Image second = build(dockerfile, Map.of());

        // The dependencies layer is the same blob; only the application layer is new (as a code change in a Spring Boot image).
        assertThat(second.manifest().layers().get(1)).isEqualTo(first.manifest().layers().get(1));
        assertThat(second.manifest().layers().get(2)).isNotEqualTo(first.manifest().layers().get(2));
        assertThat(run(second.id(), "cat", "/deps/lib.txt", "/app/app.txt")).startsWith("deps ").endsWith("app v2");
    }

    @Test
    void dockerignoreAddArchivesAndChown() throws Exception {
        Files.writeString(context.resolve("keep.txt"), "k");
        Files.writeString(context.resolve("secret.env"), "s");
        Files.createDirectories(context.resolve("target"));
        Files.writeString(context.resolve("target/big.jar"), "j");
        Files.writeString(context.resolve(".dockerignore"), "*.env\ntarget\n");
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(new TestTars().dir("pkg").file("pkg/inside.txt", "from archive").bytes());
        }
        Files.write(context.resolve("bundle.tar.gz"), gz.toByteArray());
        build("""
                FROM debian:bookworm-slim
                COPY . /ctx/
                ADD bundle.tar.gz /opt/
                COPY --chown=nobody:nogroup --chmod=600 keep.txt /owned
                """, Map.of(), "localhost/ctx:1");
        String out = run("localhost/ctx:1", "sh", "-c", "ls -A /ctx; cat /opt/pkg/inside.txt; echo; stat -c '%U %G %a' /owned");
        assertThat(out).isEqualTo(".dockerignore\nDockerfile\nbundle.tar.gz\nkeep.txt\nfrom archive\nnobody nogroup 600\n");
    }

    @Test
    void copyFollowsSymlinksOnlyInsideTheContextNeverToTheHostsFiles() throws Exception {
        Files.createSymbolicLink(context.resolve("host"), Path.of("/"));
        Files.createSymbolicLink(context.resolve("up"), Path.of("../../.."));
        Files.createDirectories(context.resolve("etc"));
        Files.writeString(context.resolve("etc/hostname"), "the context's own\n");

        assertThatThrownBy(() -> build("FROM debian:bookworm-slim\nCOPY host/etc/shadow /leak\n", Map.of()))
                .hasMessage("Dockerfile:2: COPY: file not found in build context or excluded by .dockerignore: host/etc/shadow");
        assertThatThrownBy(() -> build("FROM debian:bookworm-slim\nCOPY host/etc/pass* /leak/\n", Map.of()))
                .hasMessageContaining("file not found in build context");
        build("""
                FROM debian:bookworm-slim
                COPY host/etc/hostname /a
                COPY up/etc/ /b/
                COPY host/etc/host* /c/
                """, Map.of(), "localhost/links:1");
        assertThat(run("localhost/links:1", "cat", "/a", "/b/hostname", "/c/hostname"))
                .isEqualTo("the context's own\n".repeat(3));
    }

    @Test
    void configInstructionsLandInTheImageConfig() throws Exception {
        Image image = build("""
                FROM debian:bookworm-slim
                ARG VERSION=0
                ENV APP_VERSION=$VERSION HOME_DIR=/srv
                LABEL org.example.name="shop app" version=${VERSION}
                WORKDIR $HOME_DIR
                WORKDIR app
                USER nobody
                EXPOSE 8080 9090/udp
                VOLUME ["/data"]
                STOPSIGNAL SIGINT
                HEALTHCHECK --interval=5s --start-period=1m --start-interval=500ms --retries=2 CMD test -e /tmp/ok
                SHELL ["/bin/bash", "-c"]
                ENTRYPOINT ["java"]
                """, Map.of("VERSION", "1.2"));
        ContainerConfig c = image.config().containerConfig();
        assertThat(c.env()).contains("APP_VERSION=1.2", "HOME_DIR=/srv");
        assertThat(c.labels()).containsEntry("org.example.name", "shop app").containsEntry("version", "1.2");
        assertThat(c.workingDir()).isEqualTo("/srv/app");
        assertThat(c.user()).isEqualTo("nobody");
        assertThat(c.exposedPorts()).containsOnlyKeys("8080/tcp", "9090/udp");
        assertThat(c.volumes()).containsOnlyKeys("/data");
        assertThat(c.stopSignal()).isEqualTo("SIGINT");
        assertThat(c.healthcheck().test()).containsExactly("CMD-SHELL", "test -e /tmp/ok");
        assertThat(c.healthcheck().interval()).isEqualTo(5_000_000_000L);
        assertThat(c.healthcheck().startInterval()).isEqualTo(500_000_000L);
        assertThat(c.shell()).containsExactly("/bin/bash", "-c");
        assertThat(c.entrypoint()).containsExactly("java");
        assertThat(c.cmd()).as("ENTRYPOINT drops the base image's CMD").isNull();
    }

    @Test
    void aFailingRunNamesFileLineAndLeavesNoSnapshot() throws Exception {
        assertThatThrownBy(() -> build("FROM debian:bookworm-slim\n\nRUN echo about to fail \\\n && exit 3\n", Map.of()))
                .isInstanceOf(DockerfileException.class)
                .hasMessage("Dockerfile:3: RUN: The command '/bin/sh -c echo about to fail  && exit 3' returned a non-zero code: 3");
        assertThat(progress).contains("about to fail");
        assertThat(Mounts.under(TestEngines.STATE)).isEmpty();
        assertThatThrownBy(() -> build("FROM debian:bookworm-slim\nCOPY missing.txt /\n", Map.of()))
                .hasMessage("Dockerfile:2: COPY: file not found in build context or excluded by .dockerignore: missing.txt");
        assertThatThrownBy(() -> build("FROM nosuch/image:1\n", Map.of())).hasMessageStartingWith("Dockerfile:1: FROM: No such image");
        assertThatThrownBy(() -> build("RUN true\n", Map.of())).hasMessageContaining("Dockerfile:1");
    }
}
