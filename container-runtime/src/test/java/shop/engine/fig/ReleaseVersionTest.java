package shop.engine.fig;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A release's version from the pom and git, on a real repository made here. */
class ReleaseVersionTest {

    private static final String IMAGE = "sha256:cf868089c0eb1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809";

    @TempDir
    Path repository;

    @Test
    void thePomsVersionAndTheCommitAndDirtyWhenTheTreeIs() throws Exception {
        Path service = Files.createDirectories(repository.resolve("services/catalog"));
        assertThat(ReleaseVersion.ofSources(service)).as("outside git").isNull();

        git("init", "-q");
        Files.writeString(service.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <parent><artifactId>shop-parent</artifactId><version>0.1.0-SNAPSHOT</version></parent>
                  <artifactId>catalog</artifactId>
                </project>
                """);
        git("add", ".");
        git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "one");
        String commit = git("rev-parse", "--short", "HEAD");
        assertThat(ReleaseVersion.ofSources(service)).isEqualTo("0.1.0-SNAPSHOT-" + commit);

        Files.writeString(repository.resolve("untracked.txt"), "as git describe --dirty: untracked files do not count");
        assertThat(ReleaseVersion.ofSources(service)).isEqualTo("0.1.0-SNAPSHOT-" + commit);

        Files.writeString(service.resolve("pom.xml"), """
                <project><version>${revision}</version></project>
                """);
        assertThat(ReleaseVersion.ofSources(service)).as("no plain version: the commit alone").isEqualTo(commit + "-dirty");
    }

    @Test
    void anImageGoesByItsStampItsIdWhenDirtyAndItsIdWithoutOne() {
        assertThat(ReleaseVersion.ofImage(IMAGE, Map.of(ReleaseVersion.LABEL, "0.1.0-abc1234"))).isEqualTo("0.1.0-abc1234");
        assertThat(ReleaseVersion.ofImage(IMAGE, Map.of(ReleaseVersion.LABEL, "0.1.0-abc1234-dirty")))
                .isEqualTo("0.1.0-abc1234-dirty.cf86808");
        assertThat(ReleaseVersion.ofImage(IMAGE, null)).isEqualTo("cf868089c0eb");
        assertThat(ReleaseVersion.ofImage(IMAGE, Map.of(ReleaseVersion.LABEL, "not a tag/../x"))).isEqualTo("cf868089c0eb");
    }

    private String git(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-C", repository.toString()));
        command.addAll(List.of(args));
        Process git = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(git.getInputStream().readAllBytes()).strip();
        assertThat(git.waitFor()).as(out).isZero();
        return out;
    }
}
