package shop.engine.fig;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What fig sends as a build's context: the folder as a plain tar, less what .dockerignore leaves out. */
class ContextArchiveTest {

    @TempDir
    Path context;

    @Test
    void theContextGoesAsAPlainTarWithoutWhatItsDockerignoreLeavesOut() throws Exception {
        Files.createDirectories(context.resolve("target/classes"));
        Files.createDirectories(context.resolve("docker"));
        Files.writeString(context.resolve("docker/Dockerfile"), "FROM debian:bookworm-slim\nCOPY target/app.jar /app.jar\n");
        Files.writeString(context.resolve(".dockerignore"), "docker\ntarget/classes\n*.log\n");
        Files.writeString(context.resolve("target/app.jar"), "jar");
        Files.writeString(context.resolve("target/classes/App.class"), "class");
        Files.writeString(context.resolve("build.log"), "log");
        Files.createSymbolicLink(context.resolve("current.jar"), Path.of("target/app.jar"));

        Path tar = ContextArchive.write(new ServiceSpec.Build(context, "docker/Dockerfile", Map.of()));
        List<String> names = new ArrayList<>();
        try (InputStream in = Files.newInputStream(tar); TarArchiveInputStream entries = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e = entries.getNextEntry(); e != null; e = entries.getNextEntry()) {
                names.add(e.getName() + (e.isSymbolicLink() ? " -> " + e.getLinkName() : ""));
            }
        } finally {
            Files.delete(tar);
        }
        assertThat(names).as("what is ignored goes, but not the Dockerfile; symlinks are not followed")
                .containsExactly("./", ".dockerignore", "current.jar -> target/app.jar", "docker/", "docker/Dockerfile", "target/",
                        "target/app.jar");
    }
}
