package shop.engine.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import shop.engine.Engine;
import shop.engine.TestEngines;
import shop.engine.image.BaseImages;
import shop.engine.image.ContainerConfig;
import shop.engine.snapshot.Mounts;
import shop.engine.support.EngineException;

/** Real containers on crun (and runc where named), as root. */
@Tag("root")
class ContainerLifecycleTest {

    Engine engine;
    ContainerService containers;

    @BeforeEach
    void open() {
        engine = TestEngines.open("crun");
        containers = engine.containers();
    }

    @AfterEach
    void removeEverything() {
        TestEngines.removeEverything(engine);
    }

    private Container create(ContainerConfig config, HostConfig host) {
        return containers.create(new ContainerService.CreateRequest(null, BaseImages.DEBIAN, config, host));
    }

    private static ContainerConfig cmd(String... args) {
        return ContainerConfig.EMPTY.withCmd(List.of(args));
    }

    private String logs(Container c) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        containers.logs(c.id(), ContainerService.LogOptions.ALL, out, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"crun", "runc"})
    void runsAProcessAndKeepsItsOutputAndExitCode(String runtime) {
        containers.close();
        engine = TestEngines.open(runtime);
        containers = engine.containers();
        Container c = create(cmd("sh", "-c", "echo hello; echo oops >&2; exit 3"), null);
        assertThat(containers.inspect(c.id()).state().status()).isEqualTo("created");

        containers.start(c.id());

        assertThat(containers.await(c.id(), ContainerService.WaitCondition.NOT_RUNNING)).isEqualTo(3);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        containers.logs(c.id(), ContainerService.LogOptions.ALL, out, err);
        assertThat(out.toString()).isEqualTo("hello\n");
        assertThat(err.toString()).isEqualTo("oops\n");
        assertThat(containers.inspect(c.id()).state().status()).isEqualTo("exited");
    }

    @Test
    void theEngineItselfIsTheParentOfARunningContainerAndLearnsHowItEnded() throws Exception {
        Container c = create(cmd("sleep", "60"), null);
        containers.start(c.id());
        long pid = containers.inspect(c.id()).state().pid();

        assertThat(ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
                .as("no helper process between the engine and the container").contains(ProcessHandle.current().pid());
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(c.id())))
                .as("no runtime process stays behind").isEmpty();

        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
        assertThat(containers.await(c.id(), ContainerService.WaitCondition.NOT_RUNNING)).isEqualTo(137);
    }

    @Test
    void aMissingExecutableFailsTheStartWithDockersMessageAndNothingRuns() {
        Container c = create(cmd("no-such-program"), null);
        assertThatThrownBy(() -> containers.start(c.id()))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(EngineException.Kind.INVALID))
                .hasMessageContaining("exec: \"no-such-program\": executable file not found in $PATH");
        assertThat(containers.inspect(c.id()).state().running()).isFalse();
    }

    @Test
    void logsCarryTheTimeEachLineWasWrittenAndFilterBySince() {
        // Lines are timed to the engine's tick (100 ms), so the lines to tell apart are further apart than that.
        Container c = create(cmd("sh", "-c", "echo first; sleep 1; echo second >&2; sleep 0.3; echo third"), null);
        java.time.Instant before = java.time.Instant.now();
        containers.start(c.id());
        containers.await(c.id(), ContainerService.WaitCondition.NOT_RUNNING);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        containers.logs(c.id(), new ContainerService.LogOptions(false, -1, true, null), out, err);
        String[] first = out.toString().split("\n")[0].split(" ", 2);
        String[] third = out.toString().split("\n")[1].split(" ", 2);
        assertThat(first[1]).isEqualTo("first");
        assertThat(third[1]).isEqualTo("third");
        assertThat(err.toString()).endsWith(" second\n");
        java.time.Instant t1 = java.time.Instant.parse(first[0]);
        java.time.Instant t3 = java.time.Instant.parse(third[0]);
        assertThat(t1).isAfterOrEqualTo(before.minusMillis(1));
        assertThat(java.time.Duration.between(t1, t3)).isBetween(java.time.Duration.ofMillis(1100), java.time.Duration.ofMillis(3500));

        ByteArrayOutputStream later = new ByteArrayOutputStream();
        containers.logs(c.id(), new ContainerService.LogOptions(false, -1, false, t1.plusMillis(500)), later, later);
        assertThat(later.toString()).isEqualTo("second\nthird\n");
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        containers.logs(c.id(), new ContainerService.LogOptions(false, 1, false, null), tail, OutputStream.nullOutputStream());
        assertThat(tail.toString()).isEqualTo("third\n");
    }

    @Test
    void aLongLogIsReadWholeAndItsTailFromTheEnd() {
        // 1.3 MB: more than one read of the log and many blocks of the backwards search for the tail.
        Container c = create(cmd("seq", "1", "200000"), null);
        containers.start(c.id());
        containers.await(c.id(), ContainerService.WaitCondition.NOT_RUNNING);

        String all = logs(c);
        assertThat(all.split("\n")).hasSize(200000);
        assertThat(all).startsWith("1\n2\n").endsWith("\n199999\n200000\n");
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        containers.logs(c.id(), new ContainerService.LogOptions(false, 70000, false, null), tail, OutputStream.nullOutputStream());
        assertThat(tail.toString()).isEqualTo(all.substring(all.indexOf("\n130001\n") + 1));
    }

    @Test
    void aNewNamedVolumeStartsAsACopyOfTheImagesContentWithItsOwners() {
        String volume = "copy-up-" + System.nanoTime();
        HostConfig host = TestEngines.hostConfig(Map.of("Binds", List.of(volume + ":/etc/skel", volume + "-mail:/var/mail"),
                "NetworkMode", "none"));
        Container c = create(cmd("sh", "-c", "ls -A /etc/skel; stat -c '%G %a' /var/mail"), host);
        containers.start(c.id());
        containers.await(c.id(), ContainerService.WaitCondition.NOT_RUNNING);
        assertThat(logs(c)).contains(".bashrc").endsWith("mail 2775\n");
    }

    @Test
    void mergesEnvWorkdirAndUserLikeDocker() {
        ContainerConfig config = cmd("sh", "-c", "echo $GREETING $PATH; pwd; id -u; id -g")
                .withEnv(List.of("GREETING=hi")).withWorkingDir("/work/dir").withUser("nobody");
        Container c = create(config, null);
        containers.start(c.id());
        assertThat(containers.await(c.id(), ContainerService.WaitCondition.NOT_RUNNING)).isZero();
        assertThat(logs(c)).isEqualTo("hi /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n/work/dir\n65534\n65534\n");
    }

    @Test
    void aMemoryLimitOomKills() {
        HostConfig host = TestEngines.hostConfig(Map.of("NetworkMode", "none", "Memory", 32L << 20));
        Container c = create(cmd("sh", "-c", "dd if=/dev/zero of=/dev/null bs=200M count=1 && echo survived"), host);
        containers.start(c.id());
        assertThat(containers.await(c.id(), ContainerService.WaitCondition.NOT_RUNNING)).isEqualTo(137);
        assertThat(logs(c)).doesNotContain("survived");
    }

    @Test
    void aPidsLimitStopsForks() {
        HostConfig host = TestEngines.hostConfig(Map.of("NetworkMode", "none", "PidsLimit", 5));
        Container c = create(cmd("sh", "-c", "for i in 1 2 3 4 5 6 7 8; do sleep 5 & done; wait"), host);
        containers.start(c.id());
        containers.await(c.id(), ContainerService.WaitCondition.NOT_RUNNING);
        assertThat(logs(c)).contains("fork");
    }

    @Test
    void onFailureRestartsUpToItsLimit() {
        HostConfig host = TestEngines.hostConfig(Map.of("NetworkMode", "none",
                "RestartPolicy", new RestartPolicy("on-failure", 2)));
        Container c = create(cmd("sh", "-c", "echo run; exit 1"), host);
        containers.start(c.id());
        assertThat(containers.await(c.id(), ContainerService.WaitCondition.NOT_RUNNING)).isEqualTo(1);
        assertThat(containers.inspect(c.id()).state().restartCount()).isEqualTo(2);
        assertThat(logs(c)).isEqualTo("run\nrun\nrun\n");
    }

    @Test
    void aFailingHealthcheckTurnsUnhealthy() throws Exception {
        Container c = startChecked(new ContainerConfig.Healthcheck(List.of("CMD-SHELL", "test -e /healthy"), 200_000_000L, null, null, null, 2));
        long deadline = System.currentTimeMillis() + 10_000;
        assertThat(healthAfter(c, "starting", deadline)).isEqualTo("unhealthy");
        containers.exec(c.id(), new ContainerService.ExecRequest(List.of("touch", "/healthy"), List.of(), null, null), null,
                System.out, System.err);
        assertThat(healthAfter(c, "unhealthy", deadline)).isEqualTo("healthy");
    }

    @Test
    void aHealthcheckThatOverrunsItsTimeoutIsKilledAndFails() throws Exception {
        Container c = startChecked(new ContainerConfig.Healthcheck(List.of("CMD", "sleep", "31.5"), 100_000_000L, 300_000_000L, null, null, 2));
        assertThat(healthAfter(c, "starting", System.currentTimeMillis() + 10_000)).isEqualTo("unhealthy");
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").equals("sleep 31.5")).count())
                .as("overrun probes killed, not left running").isLessThanOrEqualTo(1);
    }

    @Test
    void aStartingContainerIsCheckedEveryStartIntervalUntilItPasses() throws Exception {
        // A minute's interval: without the start interval the first probe would come after a minute.
        Container c = startChecked(new ContainerConfig.Healthcheck(List.of("CMD-SHELL", "echo probe >> /probes; test -e /ready"),
                60_000_000_000L, null, 30_000_000_000L, 100_000_000L, null));
        Thread.sleep(1_000);
        assertThat(health(c)).isEqualTo("starting");
        containers.exec(c.id(), new ContainerService.ExecRequest(List.of("touch", "/ready"), List.of(), null, null), null,
                System.out, System.err);
        assertThat(healthAfter(c, "starting", System.currentTimeMillis() + 5_000)).isEqualTo("healthy");
        Thread.sleep(1_000);
        long probes = lines(c, "/probes");
        Thread.sleep(1_000);
        assertThat(probes).as("probed every 100 ms while starting").isGreaterThanOrEqualTo(5);
        assertThat(lines(c, "/probes")).as("healthy: back to the minute's interval").isEqualTo(probes);
    }

    private long lines(Container c, String file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        containers.exec(c.id(), new ContainerService.ExecRequest(List.of("cat", file), List.of(), null, null), null, out, System.err);
        return out.toString(StandardCharsets.UTF_8).lines().count();
    }

    private Container startChecked(ContainerConfig.Healthcheck healthcheck) {
        Container c = create(cmd("sleep", "60").withHealthcheck(healthcheck), null);
        containers.start(c.id());
        return c;
    }

    /** The container's health once it is no longer {@code status}, or at the deadline. */
    private String healthAfter(Container c, String status, long deadline) throws InterruptedException {
        while (System.currentTimeMillis() < deadline && health(c).equals(status)) {
            Thread.sleep(50);
        }
        return health(c);
    }

    private String health(Container c) {
        ContainerState.Health h = containers.inspect(c.id()).state().health();
        return h == null ? "starting" : h.status();
    }

    @Test
    void stopSendsTheStopSignalThenKillsAfterTheTimeout() {
        // sleep as pid 1 has no SIGTERM handler, so the kernel ignores SIGTERM: only SIGKILL ends it.
        Container c = create(cmd("sleep", "60"), null);
        containers.start(c.id());
        long started = System.nanoTime();
        containers.stop(c.id(), 1);
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(tookMs).isBetween(900L, 8_000L);
        assertThat(containers.inspect(c.id()).state().exitCode()).isEqualTo(137);

        Container trapping = create(cmd("sh", "-c", "trap 'exit 0' TERM; while :; do sleep 0.1; done"), null);
        containers.start(trapping.id());
        containers.stop(trapping.id(), 10);
        assertThat(containers.inspect(trapping.id()).state().exitCode()).isZero();
    }

    @Test
    void execRunsInTheRunningContainer() {
        Container c = create(cmd("sleep", "60"), null);
        containers.start(c.id());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = containers.exec(c.id(), new ContainerService.ExecRequest(List.of("sh", "-c", "cat /etc/hostname; exit 4"),
                List.of(), null, null), null, out, out);
        assertThat(code).isEqualTo(4);
        assertThat(out.toString()).isEqualTo(c.id().substring(0, 12) + "\n");
    }

    @Test
    void anEngineRestartKeepsTheContainerRunning() throws Exception {
        Container c = create(cmd("sh", "-c", "trap 'exit 7' TERM; while :; do sleep 0.1; done"), null);
        containers.start(c.id());
        long pid = containers.inspect(c.id()).state().pid();
        containers.close();

        Engine restarted = TestEngines.open("crun");
        containers = restarted.containers();
        containers.recover();

        Container adopted = containers.inspect(c.id());
        assertThat(adopted.state().running()).isTrue();
        assertThat(adopted.state().pid()).isEqualTo(pid);
        assertThat(ProcessHandle.of(pid)).isPresent();
        containers.stop(c.id(), 10);
        assertThat(containers.inspect(c.id()).state().exitCode()).isEqualTo(7);
    }

    @Test
    void bindMountsAndNamedVolumes(@TempDir Path host) throws Exception {
        Files.writeString(host.resolve("in.txt"), "from host");
        String volume = "vol" + System.nanoTime();
        HostConfig binds = TestEngines.hostConfig(Map.of("Binds", List.of(host + ":/mnt/host:ro", volume + ":/data"),
                "NetworkMode", "none"));
        Container first = create(cmd("sh", "-c", "cat /mnt/host/in.txt; echo kept > /data/f; touch /mnt/host/x || echo readonly"), binds);
        containers.start(first.id());
        assertThat(containers.await(first.id(), ContainerService.WaitCondition.NOT_RUNNING)).isZero();
        assertThat(logs(first)).startsWith("from host").contains("readonly");

        Container second = create(cmd("cat", "/data/f"), binds);
        containers.start(second.id());
        containers.await(second.id(), ContainerService.WaitCondition.NOT_RUNNING);
        assertThat(logs(second)).isEqualTo("kept\n");
    }

    @Test
    void aFailedCreateLeavesNoMountAndNoRecord() {
        assertThatThrownBy(() -> create(cmd("true").withUser("nosuchuser"), null))
                .isInstanceOf(EngineException.class).hasMessageContaining("unable to find user nosuchuser");
        assertThat(containers.list(true)).isEmpty();
        assertThat(Mounts.under(TestEngines.STATE)).isEmpty();
    }

    @Test
    void badRequestsAreRefusedWithTheirKind() {
        assertThatThrownBy(() -> containers.create(new ContainerService.CreateRequest(null, "nosuch:image", null, null)))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(EngineException.Kind.NOT_FOUND));
        containers.create(new ContainerService.CreateRequest("taken", BaseImages.DEBIAN, cmd("true"), null));
        assertThatThrownBy(() -> containers.create(new ContainerService.CreateRequest("taken", BaseImages.DEBIAN, cmd("true"), null)))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(EngineException.Kind.CONFLICT));
        assertThatThrownBy(() -> containers.inspect("nosuchcontainer")).hasMessage("No such container: nosuchcontainer");
        Container c = containers.inspect("taken");
        containers.start(c.id());
        containers.await(c.id(), ContainerService.WaitCondition.NOT_RUNNING);
        assertThatThrownBy(() -> containers.kill(c.id(), "KILL")).hasMessageContaining("is not running");

        int before = containers.list(true).size();
        assertThatThrownBy(() -> create(cmd("true").withHealthcheck(
                new ContainerConfig.Healthcheck(List.of("CMD", "true"), null, -1L, null, null, null)), null))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(EngineException.Kind.INVALID))
                .hasMessage("Timeout in Healthcheck cannot be less than 1ms");
        assertThatThrownBy(() -> create(cmd("true").withHealthcheck(
                new ContainerConfig.Healthcheck(List.of("CMD", "true"), null, null, null, null, -2)), null))
                .hasMessage("Retries in Healthcheck cannot be negative");
        assertThatThrownBy(() -> create(cmd("true").withHealthcheck(
                new ContainerConfig.Healthcheck(List.of("CMD", "true"), null, null, null, 500L, null)), null))
                .hasMessage("StartInterval in Healthcheck cannot be less than 1ms");
        assertThat(containers.list(true)).as("nothing created").hasSize(before);
    }
}
