package shop.engine.fig;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shop.engine.dockerfile.DockerIgnore;

/** Changes on a real file system, as fig watch batches them by service. */
class SourceWatcherTest {

    private static final Duration QUIET = Duration.ofMillis(200);

    @TempDir
    Path dir;
    SourceWatcher watcher;
    final ExecutorService waiting = Executors.newSingleThreadExecutor();

    @BeforeEach
    void watch() throws Exception {
        Files.createDirectories(dir.resolve("web/src/app"));
        Files.createDirectories(dir.resolve("api/src"));
        Files.writeString(dir.resolve("api/pom.xml"), "<project/>");
        watcher = new SourceWatcher(Map.of(
                "web", List.of(new WatchSpec.Rule(dir.resolve("web/src"), new DockerIgnore("**/*.tmp"))),
                "api", List.of(new WatchSpec.Rule(dir.resolve("api/pom.xml"), DockerIgnore.none()))));
    }

    @AfterEach
    void close() throws Exception {
        waiting.shutdownNow();
        watcher.close();
    }

    private CompletableFuture<Map<String, List<Path>>> next() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return watcher.next(QUIET);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, waiting);
    }

    @Test
    void aSaveIsOneBatchOfItsService() throws Exception {
        var batch = next();
        Files.writeString(dir.resolve("web/src/app/.App.java.swp"), "editor's scratch");
        Files.writeString(dir.resolve("web/src/app/App.tmp"), "ignored by the rule");
        Files.writeString(dir.resolve("web/src/app/App.java"), "class App {}");
        Files.writeString(dir.resolve("web/src/app/App.java"), "class App { int x; }");
        assertThat(batch.get(10, TimeUnit.SECONDS)).containsExactly(Map.entry("web", List.of(dir.resolve("web/src/app/App.java"))));
    }

    @Test
    void onlyTheWatchedFileOfAFileRuleCounts() throws Exception {
        var batch = next();
        Files.writeString(dir.resolve("api/README"), "not watched");
        Thread.sleep(2 * QUIET.toMillis());
        assertThat(batch).as("a neighbour of the watched file changes nothing").isNotDone();
        Files.writeString(dir.resolve("api/pom.xml"), "<project><version>2</version></project>");
        assertThat(batch.get(10, TimeUnit.SECONDS)).containsOnlyKeys("api");
    }

    @Test
    void aNewFolderIsFollowedToo() throws Exception {
        var batch = next();
        Files.createDirectories(dir.resolve("web/src/app/orders"));
        assertThat(batch.get(10, TimeUnit.SECONDS).get("web")).contains(dir.resolve("web/src/app/orders"));
        var second = next();
        Files.writeString(dir.resolve("web/src/app/orders/Order.java"), "class Order {}");
        assertThat(second.get(10, TimeUnit.SECONDS)).containsExactly(
                Map.entry("web", List.of(dir.resolve("web/src/app/orders/Order.java"))));
    }
}
