package shop.engine.fig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shop.engine.Engine;
import shop.engine.ServedEngine;
import shop.engine.TestEngines;
import shop.engine.dockerfile.DockerIgnore;

/** A small stack of Debian containers brought up, changed, scaled, watched and taken down through the engine's API. */
@Tag("root")
class StackTest {

    static final Path DIR = Path.of("target/fig-it").toAbsolutePath();
    static ServedEngine served;
    static Engine engine;
    static DockerClient docker;
    final ByteArrayOutputStream output = new ByteArrayOutputStream();

    @BeforeAll
    static void serve() throws IOException {
        served = ServedEngine.start();
        engine = served.engine();
        docker = served.docker();
    }

    @AfterAll
    static void stop() throws IOException {
        served.close();
    }

    long testStarted;

    @BeforeEach
    void startClock() throws IOException {
        testStarted = TestEngines.ticksSinceBoot();
    }

    @AfterEach
    void down() throws Exception {
        stack(project("hash-1")).down(true, null);
        assertThat(docker.listNetworksCmd().exec()).extracting(n -> n.getName()).noneMatch(n -> n.startsWith("figtest_"));
        assertThat(TestEngines.leftoverNamespaces()).isEmpty();
        assertThat(TestEngines.lastingZombieChildren(testStarted)).as("processes left for the engine to collect").isEmpty();
    }

    private Stack stack(ProjectSpec project) {
        return new Stack(docker, project, new PrintStream(output, true, StandardCharsets.UTF_8));
    }

    private static ServiceSpec service(String name, String script, Map<String, ServiceSpec.Condition> dependsOn,
                                       ServiceSpec.Healthcheck healthcheck, List<String> ports, String hash) {
        return service(name, "debian:bookworm-slim", null, script, dependsOn, healthcheck, ports, hash);
    }

    private static ServiceSpec service(String name, String image, ServiceSpec.Build build, String script,
                                       Map<String, ServiceSpec.Condition> dependsOn, ServiceSpec.Healthcheck healthcheck,
                                       List<String> ports, String hash) {
        return new ServiceSpec(name, image, build, List.of("bash", "-c", script), null,
                Map.of("ROLE", name), ports, List.of(), List.of("data:/data"), List.of(), Map.of("default", List.of()), dependsOn, List.of(),
                // perl as PID 1 ignores SIGTERM: SIGKILL spares each stop Docker's 10 s grace.
                healthcheck, 64L << 20, 0, 1, null, Map.of(), null, null, "SIGKILL", ContainerOptions.NONE, hash);
    }

    private static final ServiceSpec.Healthcheck LISTENING = new ServiceSpec.Healthcheck(
            List.of("CMD", "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080"), 100_000_000L, 0, 0, 0, 30);

    /** db serves; setup waits for db healthy and writes what db said into the shared volume; web waits for setup to finish and serves. */
    private static ProjectSpec project(String webHash) {
        return project(webHash, "cat /data/greeting; " + TestEngines.HELLO_SERVER);
    }

    private static ProjectSpec project(String webHash, String webScript) {
        Map<String, ServiceSpec.Condition> afterDb = new LinkedHashMap<>(Map.of("db", ServiceSpec.Condition.SERVICE_HEALTHY));
        Map<String, ServiceSpec.Condition> afterSetup = Map.of("setup", ServiceSpec.Condition.SERVICE_COMPLETED_SUCCESSFULLY);
        return new ProjectSpec("figtest", List.of(
                service("db", TestEngines.HELLO_SERVER, Map.of(), LISTENING, List.of(), "hash-db"),
                service("setup", "exec 3<>/dev/tcp/db/8080 && cat <&3 > /data/greeting", afterDb, null, List.of(), "hash-setup"),
                service("web", webScript, afterSetup, LISTENING,
                        List.of("127.0.0.1::8080"), webHash)),
                List.of("default"), List.of("data"), DIR, List.of("fig.yml"));
    }

    @Test
    void upStartsInDependencyOrderAndRecreatesOnlyWhatChanged() throws Exception {
        Stack stack = stack(project("hash-1"));
        stack.up(List.of(), new Stack.UpOptions(false, false, Stack.Recreate.CHANGED));

        Container db = stack.containers("db", false).get(0);
        assertThat(db.getNames()[0]).isEqualTo("/figtest_db_1");
        assertThat(db.getLabels()).containsEntry(ComposeLabels.PROJECT, "figtest").containsEntry(ComposeLabels.SERVICE, "db")
                .containsEntry(ComposeLabels.NUMBER, "1").containsEntry(ComposeLabels.CONFIG_HASH, "hash-db");
        String dbHost = docker.inspectContainerCmd(db.getId()).exec().getConfig().getHostName();
        String webId = stack.containers("web", false).get(0).getId();
        awaitHealthy(webId);
        String webAddress = stack.port("web", 8080, 1);
        assertThat(read(webAddress)).startsWith("hello from ");
        assertThat(logs(webId)).startsWith("hello from " + dbHost + "\n");
        assertThat(stack.ps()).extracting(row -> row.get(0) + " " + row.get(1) + " " + row.get(2))
                .containsExactly("figtest_db_1 running healthy", "figtest_setup_1 exited (0) ", "figtest_web_1 running healthy");
        stack.kill(List.of("web"), "SIGKILL");
        assertThat(docker.waitContainerCmd(webId).start().awaitStatusCode(30, TimeUnit.SECONDS)).isEqualTo(137);
        assertThat(stack.ps()).extracting(row -> row.get(0) + " " + row.get(1) + " " + row.get(2))
                .as("a stopped container has no health, and says how it ended")
                .contains("figtest_web_1 exited (137) ");
        stack.start(List.of("web"));
        awaitHealthy(webId);

        stack.up(List.of(), new Stack.UpOptions(false, false, Stack.Recreate.CHANGED));
        assertThat(stack.containers("web", false).get(0).getId()).as("unchanged: kept").isEqualTo(webId);
        assertThat(output.toString()).contains("figtest_web_1 is up-to-date");

        Stack changed = stack(project("hash-2"));
        changed.up(List.of("web"), new Stack.UpOptions(false, true, Stack.Recreate.CHANGED));
        assertThat(changed.containers("web", false).get(0).getId()).as("changed: recreated").isNotEqualTo(webId);
        assertThat(changed.containers("db", false).get(0).getId()).as("db untouched").isEqualTo(db.getId());

        String changedWeb = changed.containers("web", false).get(0).getId();
        changed.up(List.of("web"), new Stack.UpOptions(false, true, Stack.Recreate.ALWAYS));
        assertThat(changed.containers("web", false).get(0).getId()).as("--force-recreate: recreated unchanged").isNotEqualTo(changedWeb);
        assertThat(changed.containers("db", false).get(0).getId()).as("--no-deps: db untouched").isEqualTo(db.getId());
    }

    @Test
    void scaleAddsAndRemovesReplicasEachWithItsOwnPort() throws Exception {
        Stack stack = stack(project("hash-1"));
        stack.up(List.of(), new Stack.UpOptions(false, false, Stack.Recreate.CHANGED));

        stack.scale("web", 2);

        List<Container> webs = stack.containers("web", false);
        assertThat(webs).hasSize(2);
        awaitHealthy(webs.get(1).getId());
        assertThat(read(stack.port("web", 8080, 2))).isNotEqualTo(read(stack.port("web", 8080, 1)));
        stack.scale("web", 1);
        assertThat(stack.containers("web", true)).hasSize(1);
    }

    @Test
    void runExecAndARollingDeploy() throws Exception {
        Stack stack = stack(project("hash-1"));
        stack.up(List.of(), new Stack.UpOptions(false, false, Stack.Recreate.CHANGED));
        String oldWeb = stack.containers("web", false).get(0).getId();

        assertThat(stack.run("db", new Stack.RunOptions(List.of("bash", "-c", "echo one-off $ROLE; exit 4"), null, Map.of(), false,
                false, false, true))).isEqualTo(4);
        assertThat(output.toString()).contains("one-off db");
        assertThat(stack.containers("db", true)).as("a one-off is no replica").hasSize(1);
        assertThat(stack.exec("db", 1, List.of("bash", "-c", "echo exec in $ROLE"), false)).isZero();
        assertThat(output.toString()).contains("exec in db");

        stack(project("hash-2")).deploy("web", Duration.ZERO);

        List<Container> webs = stack.containers("web", true);
        assertThat(webs).extracting(c -> c.getNames()[0]).containsExactly("/figtest_web_2");
        assertThat(webs.get(0).getLabels()).containsEntry(ComposeLabels.CONFIG_HASH, "hash-2");
        assertThat(webs.get(0).getId()).isNotEqualTo(oldWeb);
        assertThat(read(stack.port("web", 8080, 2))).startsWith("hello from ");
    }

    @Test
    void aDeployWhoseNewReplicaFailsSaysWhyAndLeavesTheOldOneServing() throws Exception {
        Stack stack = stack(project("hash-1"));
        stack.up(List.of(), new Stack.UpOptions(false, false, Stack.Recreate.CHANGED));
        String oldWeb = stack.containers("web", false).get(0).getId();
        awaitHealthy(oldWeb);

        assertThatThrownBy(() -> stack(project("hash-2", "echo no database here; exit 3")).deploy("web", Duration.ZERO))
                .isInstanceOf(FigException.class)
                .hasMessageContaining("figtest_web_2 exited with code 3; the old replicas keep serving");
        assertThat(output.toString()).as("the new replica's last words")
                .contains("figtest_web_2 | no database here", "Stopping and removing figtest_web_2");
        assertThat(stack.containers("web", true)).as("nothing of the failed deploy is left")
                .extracting(Container::getId).containsExactly(oldWeb);
        assertThat(read(stack.port("web", 8080, 1))).startsWith("hello from ");
    }

    @Test
    void releasesAreVersionedRecordedAndRolledBack(@TempDir Path context) throws Exception {
        // Outside git, so a release goes by its image id. The registry's port is closed: pulls stay on loopback.
        Files.writeString(context.resolve("Dockerfile"), "FROM debian:bookworm-slim\nCOPY greeting /greeting\n");
        Files.writeString(context.resolve("greeting"), "release one\n");
        ServiceSpec web = service("web", "localhost:5999/figtest/web", new ServiceSpec.Build(context, "Dockerfile", Map.of()),
                "cat /greeting; " + TestEngines.HELLO_SERVER, Map.of(), LISTENING, List.of("127.0.0.1::8080"), "hash-web");
        Stack stack = stack(new ProjectSpec("figtest", List.of(web), List.of("default"), List.of("data"), DIR, List.of("fig.yml")));
        stack.up(List.of(), new Stack.UpOptions(false, false, Stack.Recreate.CHANGED));
        assertThatThrownBy(() -> stack.rollBack("web", Duration.ZERO)).isInstanceOf(FigException.class)
                .hasMessageContaining("no release of it was recorded yet");

        Files.writeString(context.resolve("greeting"), "release two\n");
        stack.deploy("web", Duration.ZERO);
        assertThat(greeting(stack)).isEqualTo("release two");
        List<List<String>> releases = stack.releases("web");
        assertThat(releases).extracting(r -> r.get(4)).containsExactly("deployed: started by fig up", "serving: built from the sources");
        String one = releases.get(0).get(0);
        String two = releases.get(1).get(0);
        assertThat(one).matches("[0-9a-f]{12}").isNotEqualTo(two);

        stack.rollBack("web", Duration.ZERO);
        assertThat(greeting(stack)).isEqualTo("release one");
        List<String> back = stack.releases("web").get(2);
        assertThat(back.get(0)).isEqualTo(one);
        assertThat(back.get(4)).isEqualTo("serving: rollback from " + two);
        assertThat(stack.images().imageId("localhost:5999/figtest/web")).as("latest names what serves")
                .isEqualTo(stack.images().imageId("localhost:5999/figtest/web:" + one));

        stack.deploy("web", two, Duration.ZERO);
        assertThat(greeting(stack)).isEqualTo("release two");
        assertThatThrownBy(() -> stack.deploy("web", "0123456789ab", Duration.ZERO)).isInstanceOf(FigException.class)
                .hasMessageContaining("release 0123456789ab is neither in the engine nor in the registry");
        assertThatThrownBy(() -> stack.deploy("web", "../etc", Duration.ZERO)).isInstanceOf(FigException.class).hasMessageContaining("not a version");
        assertThat(greeting(stack)).as("a refused release changes nothing").isEqualTo("release two");
        assertThat(stack.releases("web")).hasSize(4);

        Files.writeString(context.resolve("Dockerfile"), "FROM debian:bookworm-slim\nCOPY greeting /greeting\nRUN rm /usr/bin/perl\n");
        assertThatThrownBy(() -> stack.deploy("web", Duration.ZERO)).isInstanceOf(FigException.class).hasMessageContaining("exited with code");
        assertThat(greeting(stack)).isEqualTo("release two");
        assertThat(stack.releases("web")).extracting(r -> r.get(4).replaceFirst("(?s):.*", ""))
                .containsExactly("deployed", "deployed", "deployed", "serving", "failed");
        assertThat(stack.images().imageId("localhost:5999/figtest/web")).as("latest back on what serves")
                .isEqualTo(stack.images().imageId("localhost:5999/figtest/web:" + two));

        Stack plain = stack(project("hash-1"));
        assertThatThrownBy(() -> plain.rollBack("db", Duration.ZERO)).isInstanceOf(FigException.class).hasMessageContaining("db has no build");
        assertThatThrownBy(() -> plain.deploy("nope", Duration.ZERO)).isInstanceOf(FigException.class).hasMessageContaining("no such service");
    }

    @Test
    void aCanaryWhosePrometheusIsDownRefusesTheReleaseRatherThanPromoteItBlind() {
        ServiceSpec prometheus = service("prometheus", "sleep 60", Map.of(), null, List.of("127.0.0.1::9090"), "hash-prometheus");
        ProjectSpec project = new ProjectSpec("figtest", List.of(prometheus), List.of("default"), List.of("data"), DIR, List.of("fig.yml"));
        Canary canary = new Canary(stack(project), project, Duration.ofMillis(10), new PrintStream(output, true, StandardCharsets.UTF_8));

        assertThat(canary.enabled()).isTrue();
        assertThatThrownBy(() -> canary.judge("web", List.of("old:web:8080"), List.of("new:web:8080")))
                .isInstanceOf(FigException.class)
                .hasMessageContaining("deploy of web refused by its canary: Prometheus is not running")
                .hasMessageContaining("the old replicas keep serving");
    }

    /** The first line the service's replica logged: the release's greeting. */
    private String greeting(Stack stack) throws InterruptedException {
        var web = stack.containers("web", false);
        return web.isEmpty() ? "" : logs(web.get(0).getId()).lines().findFirst().orElse("");
    }

    @Test
    void aWatchedSaveRebuildsItsServiceAndAFailedStepWaitsForTheNext(@TempDir Path context) throws Exception {
        Files.writeString(context.resolve("Dockerfile"), """
                FROM debian:bookworm-slim
                ARG FLAVOUR=release
                COPY greeting /greeting
                RUN echo "$FLAVOUR" > /flavour
                """);
        Files.writeString(context.resolve("greeting"), "one\n");
        // The container says what its image was built from: the greeting file and the FLAVOUR build arg.
        ServiceSpec web = service("web", "figtest/watched", new ServiceSpec.Build(context, "Dockerfile", Map.of()),
                "echo \"$(cat /greeting) built as $(cat /flavour)\"; " + TestEngines.HELLO_SERVER, Map.of(), LISTENING, List.of(), "h");
        ServiceSpec db = service("db", TestEngines.HELLO_SERVER, Map.of(), LISTENING, List.of(), "hash-db");
        ProjectSpec project = new ProjectSpec("figtest", List.of(db, web), List.of("default"), List.of("data"), context.getParent(),
                List.of("fig.yml"));
        Stack stack = stack(project);
        stack.up(List.of(), new Stack.UpOptions(false, false, Stack.Recreate.CHANGED));
        String dbId = stack.containers("db", false).get(0).getId();
        awaitGreeting(stack, "one built as release");

        // before_rebuild stands in for the jar's build: it fails while the context holds a file named broken.
        String folder = context.getFileName().toString();
        WatchSpec spec = new WatchSpec(Map.of("web", List.of(new WatchSpec.Rule(context, DockerIgnore.none()))),
                List.of("sh", "-c", "test ! -e " + folder + "/broken"), Map.of("FLAVOUR", "dev"));
        Thread watching = new Thread(() -> {
            try {
                new StackWatch(new Stack(docker, project, new PrintStream(output, true, StandardCharsets.UTF_8), spec.buildArgs()),
                        project, spec, new PrintStream(output, true, StandardCharsets.UTF_8)).run(List.of());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                // The test is over.
            }
        });
        watching.start();
        try {
            awaitOutput("Watching web: " + folder);
            Files.writeString(context.resolve("greeting"), "two\n");
            awaitOutput("web: running the change");
            awaitGreeting(stack, "two built as dev");
            assertThat(output.toString(StandardCharsets.UTF_8)).contains("web: 1 change (" + folder + "/greeting)")
                    .containsPattern("web: running the change, \\d+\\.\\d s after it");
            assertThat(stack.containers("db", false).get(0).getId()).as("db untouched").isEqualTo(dbId);

            Files.writeString(context.resolve("broken"), "");
            Files.writeString(context.resolve("greeting"), "three\n");
            awaitOutput("test ! -e " + folder + "/broken exited with 1; watching for the next change");
            assertThat(greeting(stack)).as("a failed step leaves the running service alone").isEqualTo("two built as dev");

            Files.delete(context.resolve("broken"));
            awaitGreeting(stack, "three built as dev");
            assertThat(watching.isAlive()).isTrue();
        } finally {
            watching.interrupt();
            watching.join(10_000);
        }
    }

    /** Waits up to 90 s for web's first line to be this: its container may have started an instant ago. */
    private void awaitGreeting(Stack stack, String expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 90_000;
        while (!greeting(stack).equals(expected) && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertThat(greeting(stack)).isEqualTo(expected);
    }

    private void awaitOutput(String text) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 90_000;
        while (!output.toString(StandardCharsets.UTF_8).contains(text)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no \"" + text + "\" within 90 s in:\n" + output.toString(StandardCharsets.UTF_8));
            }
            Thread.sleep(200);
        }
    }

    @Test
    void aDependencyThatCannotBecomeHealthyStopsTheUp() {
        ServiceSpec broken = service("db", "exit 1", Map.of(), LISTENING, List.of(), "hash-broken");
        ServiceSpec web = service("web", "sleep 60", Map.of("db", ServiceSpec.Condition.SERVICE_HEALTHY), null, List.of(), "h");
        Stack stack = stack(new ProjectSpec("figtest", List.of(broken, web), List.of("default"), List.of("data"), DIR, List.of("fig.yml")));

        assertThatThrownBy(() -> stack.up(List.of(), new Stack.UpOptions(false, false, Stack.Recreate.CHANGED)))
                .isInstanceOf(FigException.class).hasMessageContaining("figtest_db_1 is not running");
        assertThat(stack.containers("web", true)).as("never created").isEmpty();
    }

    @Test
    void aFixedHostPortCannotBeScaled() {
        ServiceSpec fixed = service("web", "sleep 60", Map.of(), null, List.of("18080:8080"), "h");
        Stack stack = stack(new ProjectSpec("figtest", List.of(fixed), List.of("default"), List.of("data"), DIR, List.of("fig.yml")));
        assertThatThrownBy(() -> stack.scale("web", 2)).isInstanceOf(FigException.class).hasMessageContaining("fixed host port");
        assertThatThrownBy(() -> stack.scale("nope", 1)).isInstanceOf(FigException.class).hasMessageContaining("no such service");
    }

    private void awaitHealthy(String id) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            var health = docker.inspectContainerCmd(id).exec().getState().getHealth();
            if (health != null && "healthy".equals(health.getStatus())) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(id + " did not become healthy");
    }

    private String logs(String id) throws InterruptedException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        List<Container> found = docker.listContainersCmd().withIdFilter(List.of(id)).exec();
        if (found.isEmpty()) {
            return ""; // replaced (fig watch, a deploy) since it was listed: the caller looks again
        }
        try (LogPrinter printer = new LogPrinter(docker, new PrintStream(text, true, StandardCharsets.UTF_8), false)) {
            printer.follow(found, new Stack.LogOptions(false, null, false));
            printer.await();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return text.toString(StandardCharsets.UTF_8).replaceAll("(?m)^\\S+ \\| ", "");
    }

    private static String read(String address) throws IOException {
        String[] hostPort = address.split(":");
        try (Socket s = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
            s.setSoTimeout(5_000);
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
