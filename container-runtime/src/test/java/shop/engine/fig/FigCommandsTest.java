package shop.engine.fig;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import shop.engine.ServedEngine;

/**
 * fig's commands with docker-compose's options, through the CLI on the engine's API, and the
 * keys of the file that the engine honours as it is today (the others wait for its HostConfig
 * support: {@code EngineHonoursFigKeysTest}). Debian containers; bash traps stand in for servers.
 */
@Tag("root")
class FigCommandsTest {

    static final Path DIR = Path.of("target/fig-commands").toAbsolutePath();
    static final String PROJECT = "figcmd";
    /**
     * Prints five lines and says when it gets SIGUSR1. As PID 1 without a TERM handler it ignores
     * SIGTERM, as sleep does: the services that need no grace stop with SIGKILL.
     */
    static final String CHATTY = "for i in 1 2 3 4 5; do echo line $$i; done; trap 'echo got USR1' USR1; "
            + "while :; do sleep 0.2 & wait $$!; done";

    static ServedEngine served;
    static DockerClient docker;

    @BeforeAll
    static void writeTheStack() throws IOException {
        served = ServedEngine.start();
        docker = served.docker();
        Files.createDirectories(DIR);
        Files.writeString(DIR.resolve("web.env"), "LEVEL=info\nROLE=overridden\n");
        Files.writeString(DIR.resolve("fig.yml"), """
                services:
                  web:
                    image: debian:bookworm-slim
                    command: ["bash", "-c", "%s"]
                    env_file: web.env
                    environment: {ROLE: web}
                    labels: {team: shop}
                    ports: ["127.0.0.1::8080"]
                    depends_on: [db]
                    stop_signal: SIGKILL
                  db:
                    image: debian:bookworm-slim
                    command: ["sleep", "infinity"]
                    stop_grace_period: 2s
                  lonely:
                    image: debian:bookworm-slim
                    command: ["sleep", "infinity"]
                    network_mode: none
                    container_name: figcmd-lonely
                    stdin_open: true
                    stop_signal: SIGKILL
                    profiles: [namespaces]
                  hosted:
                    image: debian:bookworm-slim
                    command: ["sleep", "infinity"]
                    network_mode: host
                    stop_signal: SIGKILL
                    profiles: [namespaces]
                """.formatted(CHATTY.replace("\"", "\\\"")));
    }

    @AfterEach
    void down() {
        FigRun down = fig("down", "-v");
        assertThat(down.exit()).as(down.out()).isZero();
    }

    @AfterAll
    static void stop() throws IOException {
        served.close();
    }

    static FigRun fig(String... args) {
        return FigRun.of(List.of("-H", served.host(), "fig", "-f", DIR.resolve("fig.yml").toString(), "-p", PROJECT,
                "--profile", "namespaces"), args);
    }

    private static void up(String... services) {
        String[] args = new String[services.length + 2];
        args[0] = "up";
        args[1] = "-d";
        System.arraycopy(services, 0, args, 2, services.length);
        FigRun up = fig(args);
        assertThat(up.exit()).as(up.out()).isZero();
    }

    private static InspectContainerResponse inspect(String name) {
        return docker.inspectContainerCmd(name).exec();
    }

    private static void awaitLog(String service, String text) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!fig("logs", service).out().contains(text)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(service + " never logged " + text + ": " + fig("logs", service).out());
            }
            Thread.sleep(100);
        }
    }

    @Test
    void logsShowTheLastLinesAskedForWithTheirTimes() throws Exception {
        up("web");
        awaitLog("web", "line 5");

        FigRun tail = fig("logs", "--tail", "2", "web");
        assertThat(tail.out().lines()).containsExactly("figcmd_web_1 | line 4", "figcmd_web_1 | line 5");
        assertThat(fig("logs", "-t", "--tail", "1", "web").out().strip())
                .matches("figcmd_web_1 \\| \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d[.\\d]*Z line 5");

        FigRun bad = fig("logs", "--tail", "some", "web");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.out()).contains("logs --tail some: want a number of lines or all");
    }

    @Test
    void killSendsTheSignalAskedForAndRefusesAnUnknownOne() throws Exception {
        up("web");
        awaitLog("web", "line 5");

        assertThat(fig("kill", "-s", "USR1", "web").exit()).isZero();
        awaitLog("web", "got USR1");
        assertThat(inspect("figcmd_web_1").getState().getRunning()).as("USR1 is handled").isTrue();

        FigRun bad = fig("kill", "-s", "SIGNOPE", "web");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.out()).contains("invalid signal \"SIGNOPE\"");
        assertThat(fig("kill", "web").exit()).as("SIGKILL by default").isZero();
        assertThat(docker.waitContainerCmd("figcmd_web_1").start().awaitStatusCode()).isEqualTo(137);
    }

    @Test
    void configChecksQuietlyOrListsTheServicesAsComposeDoes() throws IOException {
        FigRun quiet = fig("config", "-q");
        assertThat(quiet.exit()).as(quiet.out()).isZero();
        assertThat(quiet.out()).isEmpty();
        assertThat(fig("config", "--services").out().lines()).containsExactlyInAnyOrder("web", "db", "lonely", "hosted");

        Path broken = DIR.resolve("broken.yml");
        Files.writeString(broken, "services:\n  web:\n    image: debian:bookworm-slim\n    depends_on: [nowhere]\n");
        FigRun invalid = FigRun.of(List.of("-H", served.host(), "fig", "-f", broken.toString()), "config", "-q");
        assertThat(invalid.exit()).isEqualTo(1);
        assertThat(invalid.out()).contains("broken.yml:").contains("nowhere");
    }

    @Test
    void watchRefusesWhatItCannotFollowBeforeStartingAnything() {
        FigRun unknown = fig("watch", "nosuch");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.out()).contains("no such service: nosuch");
        FigRun nothing = fig("watch");
        assertThat(nothing.exit()).isEqualTo(1);
        assertThat(nothing.out()).contains("no service has develop.watch rules to follow");
        assertThat(projectContainers()).as("nothing brought up").isEmpty();
    }

    @Test
    void stopWaitsTheGraceAskedForOrTheServicesThenKills() {
        up("db");

        long started = System.nanoTime();
        assertThat(fig("stop", "db").exit()).isZero();
        long graceMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(graceMs).as("stop_grace_period: 2s, for sleep as PID 1 ignores SIGTERM").isBetween(1_900L, 6_000L);
        assertThat(inspect("figcmd_db_1").getState().getExitCodeLong()).isEqualTo(137);

        assertThat(fig("start", "db").exit()).isZero();
        started = System.nanoTime();
        assertThat(fig("stop", "-t", "0", "db").exit()).isZero();
        assertThat((System.nanoTime() - started) / 1_000_000).as("-t 0 kills at once").isLessThan(1_800L);

        FigRun negative = fig("stop", "-t", "-1");
        assertThat(negative.exit()).isEqualTo(1);
        assertThat(negative.out()).contains("-t -1: the timeout is a number of seconds, 0 or more");
        FigRun word = fig("stop", "-t", "soon");
        assertThat(word.exit()).as(word.out()).isNotZero();
        assertThat(word.out()).contains("'soon' is not an int");

        assertThat(fig("down", "-t", "-1").out()).contains("-t -1: the timeout is a number of seconds, 0 or more");
        FigRun canary = fig("deploy", "--canary", "-5", "db");
        assertThat(canary.exit()).isEqualTo(1);
        assertThat(canary.out()).contains("--canary -5: the canary is a number of seconds, 0 or more");
        assertThat(fig("start", "db").exit()).isZero();
        started = System.nanoTime();
        FigRun down = fig("down", "-t", "0");
        assertThat(down.exit()).as(down.out()).isZero();
        assertThat((System.nanoTime() - started) / 1_000_000).as("down -t 0 kills at once").isLessThan(1_800L);
        assertThat(docker.listContainersCmd().withShowAll(true).withNameFilter(List.of("figcmd_db")).exec()).isEmpty();
    }

    @Test
    void stopTakesDependentsFirstThenTheRestTogether() {
        up("web");
        assertThat(fig("scale", "db=2").exit()).isZero();

        FigRun stop = fig("stop");
        assertThat(stop.exit()).as(stop.out()).isZero();

        Instant web = finishedAt("figcmd_web_1");
        Instant db1 = finishedAt("figcmd_db_1");
        Instant db2 = finishedAt("figcmd_db_2");
        assertThat(web).as("web depends on db, so it stops first").isBeforeOrEqualTo(db1).isBeforeOrEqualTo(db2);
        // Each db replica waits its 2 s grace (sleep ignores SIGTERM): one after the other they would end 2 s apart.
        assertThat(Duration.between(db1, db2).abs()).as("the replicas stop together").isLessThan(Duration.ofMillis(1_500));
    }

    @Test
    void upBuildsAgainOnlyWhenWhatTheImageIsMadeOfChanged() throws Exception {
        Path context = DIR.resolve("built");
        Files.createDirectories(context);
        Files.writeString(context.resolve("Dockerfile"), "FROM debian:bookworm-slim\nCOPY greeting.txt /greeting.txt\n");
        Files.writeString(context.resolve("greeting.txt"), "hello\n");
        Files.writeString(context.resolve("fig.yml"), """
                services:
                  app:
                    build: .
                    image: figbuilt/app:dev
                    command: ["sleep", "infinity"]
                    stop_signal: SIGKILL
                """);
        try {
            assertThat(built(context, "up", "-d").out()).contains("Building app");
            String first = inspect("figbuilt_app_1").getId();

            Files.writeString(context.resolve("notes.md"), "not copied into the image\n");
            FigRun unchanged = built(context, "up", "-d");
            assertThat(unchanged.out()).doesNotContain("Building app").contains("figbuilt_app_1 is up-to-date");
            assertThat(inspect("figbuilt_app_1").getId()).isEqualTo(first);

            // Stopped meanwhile: it is recreated all the same, not stopped again.
            built(context, "stop");
            Files.writeString(context.resolve("greeting.txt"), "hello again\n");
            assertThat(built(context, "up", "-d").out()).contains("Building app", "Recreating figbuilt_app_1");
            assertThat(inspect("figbuilt_app_1").getId()).as("a new image: a new container").isNotEqualTo(first);
            assertThat(built(context, "run", "--rm", "-T", "app", "cat", "/greeting.txt").out()).contains("hello again");

            // Each step is shown as it runs, and the summary says what the cache saved.
            assertThat(built(context, "build", "app").out())
                    .contains("app | Step 1/2 : FROM debian:bookworm-slim\n", "app | Step 2/2 : COPY greeting.txt /greeting.txt\n",
                            "app |  ---> Using cache\n")
                    .containsPattern("Built app in \\d+\\.\\d s \\(1 of 2 steps from the cache\\)");
        } finally {
            built(context, "down", "-v");
        }
    }

    private static FigRun built(Path context, String... args) {
        FigRun run = FigRun.of(List.of("-H", served.host(), "fig", "-f", context.resolve("fig.yml").toString(), "-p", "figbuilt"),
                args);
        assertThat(run.exit()).as(run.out()).isZero();
        return run;
    }

    private static Instant finishedAt(String name) {
        return Instant.parse(inspect(name).getState().getFinishedAt());
    }

    @Test
    void runTakesComposesOptions() {
        FigRun run = fig("run", "--rm", "-T", "--no-deps", "-e", "EXTRA=1", "--entrypoint", "bash -c", "web",
                "echo $EXTRA $ROLE $LEVEL; exit 3");
        assertThat(run.out()).contains("1 web info");
        assertThat(run.exit()).isEqualTo(3);
        assertThat(projectContainers()).as("--rm, and --no-deps left db alone").isEmpty();

        assertThat(fig("run", "-T", "web", "true").exit()).isZero();
        assertThat(fig("run", "-T", "--service-ports", "web", "true").exit()).isZero();
        List<Container> oneOffs = projectContainers().stream().filter(c -> ComposeLabels.isOneOff(c.getLabels())).toList();
        assertThat(oneOffs).hasSize(2).allMatch(c -> Stack.name(c).matches("figcmd_web_run_[0-9a-f]{12}"));
        assertThat(oneOffs).extracting(c -> inspect(c.getId()).getHostConfig().getPortBindings().getBindings().size())
                .as("ports only with --service-ports").containsExactlyInAnyOrder(0, 1);
        assertThat(projectContainers()).extracting(Stack::name).as("its dependency started").contains("figcmd_db_1");

        FigRun bad = fig("run", "-e", "=1", "web", "true");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.out()).contains("run -e \"=1\": want KEY=VALUE or KEY");
    }

    @Test
    void rmAsksFirstUnlessForcedAndTakesOneOffsToo() {
        up("db");
        assertThat(fig("run", "-T", "--no-deps", "db", "true").exit()).isZero();
        assertThat(fig("stop", "-t", "0").exit()).isZero();

        FigRun declined = withInput("n\n", () -> fig("rm"));
        assertThat(declined.out()).contains("Going to remove ", "figcmd_db_1", "figcmd_db_run_", "Are you sure? [yN]");
        assertThat(projectContainers()).hasSize(2);

        FigRun forced = fig("rm", "-f");
        assertThat(forced.exit()).isZero();
        assertThat(forced.out()).doesNotContain("Are you sure");
        assertThat(projectContainers()).isEmpty();
        assertThat(fig("rm", "-f").out()).contains("No stopped containers");
    }

    @Test
    void theKeysTheEngineHonoursTodayReachTheContainer() throws Exception {
        up("web");
        InspectContainerResponse web = inspect("figcmd_web_1");
        assertThat(web.getConfig().getEnv()).contains("LEVEL=info", "ROLE=web");
        assertThat(web.getConfig().getLabels()).containsEntry("team", "shop")
                .containsEntry(ComposeLabels.ONE_OFF, "False").containsEntry(ComposeLabels.VERSION, "1.29.2")
                .containsEntry(ComposeLabels.WORKING_DIR, DIR.toString())
                .containsEntry(ComposeLabels.CONFIG_FILES, DIR.resolve("fig.yml").toString());

        FigRun up = fig("up", "-d", "lonely", "hosted");
        assertThat(up.exit()).as(up.out()).isZero();
        assertThat(inspect("figcmd-lonely").getConfig().getLabels()).containsEntry(ComposeLabels.SERVICE, "lonely");
        assertThat(inspect("figcmd-lonely").getConfig().getStdinOpen()).isTrue();
        FigRun scale = fig("scale", "lonely=2");
        assertThat(scale.exit()).isEqualTo(1);
        assertThat(scale.out()).contains("service lonely has the fixed name figcmd-lonely, so it cannot run more than one container");
        assertThat(interfaces(fig("exec", "lonely", "cat", "/proc/net/dev").out()))
                .as("network_mode: none").containsExactly("lo");
        assertThat(interfaces(fig("exec", "hosted", "cat", "/proc/net/dev").out()))
                .as("network_mode: host").contains("lo", defaultRouteInterface());
    }

    /** The host's interface with the default route, from /proc/net/route (destination 00000000). */
    private static String defaultRouteInterface() throws IOException {
        return Files.readAllLines(Path.of("/proc/net/route")).stream().skip(1).map(l -> l.split("\\s+"))
                .filter(f -> f[1].equals("00000000")).map(f -> f[0]).findFirst().orElseThrow();
    }

    /** The interface names of a /proc/net/dev. */
    private static List<String> interfaces(String procNetDev) {
        return procNetDev.lines().filter(l -> l.contains(":")).map(l -> l.substring(0, l.indexOf(':')).strip()).toList();
    }

    private static List<Container> projectContainers() {
        return docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(ComposeLabels.PROJECT, PROJECT)).exec();
    }

    /** rm reads its answer from the process's stdin. */
    private static FigRun withInput(String input, java.util.function.Supplier<FigRun> command) {
        InputStream before = System.in;
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        try {
            return command.get();
        } finally {
            System.setIn(before);
        }
    }
}
