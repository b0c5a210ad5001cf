package shop.engine.fig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** develop.watch and x-fig-watch as fig reads them: what is followed, and rules refused with their file and line. */
class WatchSpecTest {

    @TempDir
    Path dir;

    @BeforeEach
    void sources() throws Exception {
        Files.createDirectories(dir.resolve("web/src/main"));
        Files.writeString(dir.resolve("web/Dockerfile"), "FROM debian:bookworm-slim\n");
    }

    private FigFile load(String yaml) throws Exception {
        Path file = dir.resolve("fig.yml");
        Files.writeString(file, yaml);
        return FigFile.load(file, "demo", List.of(), Map.of());
    }

    private FigFile web(String watchRule) throws Exception {
        return load("""
                services:
                  web:
                    build: web
                    develop:
                      watch:
                        - %s
                  db:
                    image: postgres
                """.formatted(watchRule));
    }

    @Test
    void rulesAndSettingsAreRead() throws Exception {
        FigFile fig = load("""
                x-fig-watch:
                  before_rebuild: [scripts/build.sh, --quiet]
                  build_args: {TRAINING: "off"}
                services:
                  web:
                    build: web
                    develop:
                      watch:
                        - {action: rebuild, path: web/src, ignore: ["**/*.tmp", generated]}
                        - action: rebuild
                          path: ./web/Dockerfile
                  api:
                    build: web
                    # Where docker-compose 1.x reads the file too: it refuses develop and ignores x- keys.
                    x-develop:
                      watch: [{action: rebuild, path: web/src/main}]
                  db:
                    image: postgres
                """);
        WatchSpec watch = fig.watch();
        assertThat(watch.beforeRebuild()).containsExactly("scripts/build.sh", "--quiet");
        assertThat(watch.buildArgs()).containsExactly(Map.entry("TRAINING", "off"));
        assertThat(watch.rules()).containsOnlyKeys("web", "api");
        assertThat(watch.rules().get("api")).extracting(WatchSpec.Rule::path).containsExactly(dir.resolve("web/src/main"));
        List<WatchSpec.Rule> rules = watch.rules().get("web");
        assertThat(rules).extracting(WatchSpec.Rule::path).containsExactly(dir.resolve("web/src"), dir.resolve("web/Dockerfile"));
        WatchSpec.Rule sources = rules.get(0);
        assertThat(sources.covers(dir.resolve("web/src/main/App.java"))).isTrue();
        assertThat(sources.covers(dir.resolve("web/src/main/App.tmp"))).as("ignored").isFalse();
        assertThat(sources.covers(dir.resolve("web/src/generated/Stub.java"))).as("ignored folder").isFalse();
        assertThat(sources.covers(dir.resolve("web/pom.xml"))).as("outside the rule").isFalse();
        assertThat(watch.services(List.of())).containsExactly("web", "api");
        assertThatThrownBy(() -> watch.services(List.of("db"))).isInstanceOf(FigException.class)
                .hasMessage("service db has no develop.watch rules");
    }

    @Test
    void aFileWithoutRulesHasNothingToWatch() throws Exception {
        FigFile fig = load("services:\n  web:\n    build: web\n");
        assertThatThrownBy(() -> fig.watch().services(List.of())).isInstanceOf(FigException.class)
                .hasMessage("no service has develop.watch rules to follow");
    }

    @Test
    void aPathOutsideTheProjectIsRefusedWithItsLine() throws Exception {
        assertThatThrownBy(() -> web("{action: rebuild, path: ../elsewhere}")).isInstanceOf(FigException.class)
                .hasMessageStartingWith("fig.yml:6: services.web.develop.watch.path: ")
                .hasMessageContaining("is outside the project's folder");
    }

    @Test
    void aSymbolicLinkOutOfTheProjectIsRefused() throws Exception {
        Files.createSymbolicLink(dir.resolve("web/src/escape"), Path.of("/etc"));
        assertThatThrownBy(() -> web("{action: rebuild, path: web/src/escape}")).isInstanceOf(FigException.class)
                .hasMessageStartingWith("fig.yml:6: services.web.develop.watch.path: ")
                .hasMessageContaining("leads outside the project's folder");
    }

    @Test
    void aMissingPathIsRefused() throws Exception {
        assertThatThrownBy(() -> web("{action: rebuild, path: web/sources}")).isInstanceOf(FigException.class)
                .hasMessage("fig.yml:6: services.web.develop.watch.path: no such file or folder: " + dir.resolve("web/sources"));
    }

    @Test
    void onlyRebuildIsSupported() throws Exception {
        assertThatThrownBy(() -> web("{action: sync, path: web/src, target: /app}")).isInstanceOf(FigException.class)
                .hasMessage("fig.yml:6: services.web.develop.watch.target: unknown key (want action, path or ignore)");
        assertThatThrownBy(() -> web("{action: sync+restart, path: web/src}")).isInstanceOf(FigException.class)
                .hasMessage("fig.yml:6: services.web.develop.watch.action: \"sync+restart\": fig watch rebuilds only"
                        + " (sync, sync+restart and restart are not supported)");
        assertThatThrownBy(() -> web("{path: web/src}")).isInstanceOf(FigException.class)
                .hasMessage("fig.yml:6: services.web.develop.watch: a rule needs an action and a path");
    }

    @Test
    void aServiceWithoutABuildCannotBeRebuilt() throws Exception {
        assertThatThrownBy(() -> load("""
                services:
                  db:
                    image: postgres
                    develop:
                      watch: [{action: rebuild, path: web}]
                """)).isInstanceOf(FigException.class)
                .hasMessage("fig.yml:5: services.db.develop.watch.action: rebuild needs a build, and the service has none");
    }

    @Test
    void unknownSettingsAreRefused() throws Exception {
        assertThatThrownBy(() -> load("""
                x-fig-watch:
                  before_build: [make]
                services:
                  web: {build: web}
                """)).isInstanceOf(FigException.class)
                .hasMessage("fig.yml:2: x-fig-watch.before_build: unknown key (want before_rebuild or build_args)");
    }
}
