package shop.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static shop.engine.ScriptedTerminal.CTRL_C;
import static shop.engine.ScriptedTerminal.CTRL_D;
import static shop.engine.runtime.ConsoleTests.PATH;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import shop.engine.Engine;
import shop.engine.TestEngines;
import shop.engine.container.Container;
import shop.engine.support.EngineException;

/**
 * Containers started on a terminal, on real crun as root: the runtime is driven directly, on the
 * rootfs and in the directory of a container the engine created (and removes).
 */
@Tag("root")
class ConsoleTest {

    Engine engine;
    OciRuntime runtime;
    Container container;
    Console console;

    @BeforeEach
    void create() {
        engine = TestEngines.open("crun");
        runtime = engine.runtime();
        container = ConsoleTests.createContainer(engine, "true");
    }

    @AfterEach
    void removeEverything() {
        if (console != null) {
            console.close();
        }
        TestEngines.removeEverything(engine);
    }

    private Path directory() {
        return TestEngines.STATE.resolve("containers").resolve(container.id());
    }

    /** Rewrites the container's bundle for {@code args} on a terminal of {@code size}; returns the bundle. */
    private Path bundle(TerminalSize size, String... args) {
        Path bundle = directory().resolve("bundle");
        runtime.writeBundle(container.id(), new BundleSpec(engine.snapshots().rootfs(container.id()), false,
                BundleSpec.Process.of(List.of(args), PATH, "/", 0, 0, List.of()), "console", List.of(),
                BundleSpec.Namespaces.of("none"), BundleSpec.Resources.NONE, Map.of(), false, false, true, size), bundle);
        return bundle;
    }

    private OciRuntime.Started startOnTerminal(TerminalSize size, String... args) {
        OciRuntime.Started started = runtime.start(container.id(), bundle(size, args), null,
                directory().resolve("stdout.log"), directory().resolve("stderr.log"), true);
        console = started.console().orElseThrow();
        return started;
    }

    private void type(String keys) throws IOException {
        console.outputStream().write(keys.getBytes(StandardCharsets.UTF_8));
    }

    private static int exitOf(OciRuntime.Started started) throws Exception {
        return started.init().exit().get(Transcript.DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void aContainerOnATerminalHasItAsStdioAndTermSetToXterm() throws Exception {
        OciRuntime.Started started = startOnTerminal(TerminalSize.UNSET, "sh", "-c",
                "tty; test -t 0 && test -t 1 && test -t 2 && echo all three are the terminal; echo TERM=$TERM");

        assertThat(Transcript.of(console.inputStream()).awaitEnd())
                .matches("/dev/pts/\\d+\r\nall three are the terminal\r\nTERM=xterm\r\n");
        assertThat(exitOf(started)).isZero();
        assertThat(directory().resolve("bundle").resolve("console.sock")).doesNotExist();
    }

    @Test
    void aTermTheEnvironmentSetsIsKeptOnATerminal() {
        assertThat(OciConfig.process(BundleSpec.Process.of(List.of("sh"), List.of("TERM=vt100"), "/", 0, 0, List.of()),
                TerminalSize.UNSET).get("env").toString()).isEqualTo("[\"TERM=vt100\"]");
    }

    @Test
    void whatIsTypedIsEchoedAndCtrlDEndsCat() throws Exception {
        OciRuntime.Started started = startOnTerminal(TerminalSize.UNSET, "cat");
        Transcript transcript = Transcript.of(console.inputStream());

        type("hello\n");
        // The terminal's echo, then cat's copy.
        transcript.await("hello\r\nhello\r\n");
        type(CTRL_D);

        assertThat(exitOf(started)).isZero();
        assertThat(transcript.awaitEnd()).isEqualTo("hello\r\nhello\r\n");
    }

    @Test
    void sttySizeReportsTheSizeGivenBeforeTheStartThenEachResize() throws Exception {
        startOnTerminal(new TerminalSize(33, 99), "sh", "-c", "stty size; read line; stty size; read line; stty size");
        Transcript transcript = Transcript.of(console.inputStream());
        transcript.await("33 99\r\n");

        console.resize(50, 132);
        type("\n");
        transcript.await("50 132\r\n");
        console.resize(24, 80);
        type("\n");

        assertThat(transcript.awaitEnd()).isEqualTo("33 99\r\n\r\n50 132\r\n\r\n24 80\r\n");
    }

    @Test
    void ctrlCInterruptsTheForegroundSleepOfAnInteractiveShell() throws Exception {
        OciRuntime.Started started = startOnTerminal(TerminalSize.UNSET, "sh");
        Transcript transcript = Transcript.of(console.inputStream());
        transcript.await("# ");
        type("sleep 100\n");
        ContainerProcesses.awaitRunning(started.init().pid(), "sleep");

        type(CTRL_C);
        type("echo sleep ended with $?\n");

        transcript.await("sleep ended with 130\r\n");
        type("exit\n");
        assertThat(exitOf(started)).isZero();
    }

    @Test
    void closingTheConsoleHangsUpTheTerminalAndTheShellOnItEnds() throws Exception {
        OciRuntime.Started started = startOnTerminal(TerminalSize.UNSET, "sh");
        Transcript.of(console.inputStream()).await("# ");

        // What the engine's exit does to a container on a terminal.
        console.close();

        assertThat(started.init().exit().get(Transcript.DEADLINE.toSeconds(), TimeUnit.SECONDS)).isNotNull();
        assertThatThrownBy(() -> console.resize(24, 80)).isInstanceOf(EngineException.class).hasMessageContaining("console closed");
    }

    @Test
    void aCommandThatDoesNotExistFailsTheStartWithTheRuntimesReasonAndLeavesNothingOpen() throws Exception {
        Path bundle = bundle(TerminalSize.UNSET, "no-such-program");
        // The first failure loads what failing takes: the JDK keeps open each jar it loads a class from.
        assertStartFailsWithTheRuntimesReason(bundle);
        Set<String> before = openDescriptors();

        assertStartFailsWithTheRuntimesReason(bundle);

        assertThat(bundle.resolve("console.sock")).doesNotExist();
        assertThat(descriptorsOpenedSince(before)).isEmpty();
    }

    private void assertStartFailsWithTheRuntimesReason(Path bundle) {
        assertThatThrownBy(() -> runtime.start(container.id(), bundle, null,
                directory().resolve("stdout.log"), directory().resolve("stderr.log"), true))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).as(e.getMessage()).isEqualTo(EngineException.Kind.INVALID))
                .hasMessageContaining("exec: \"no-such-program\": executable file not found in $PATH");
    }

    @Test
    void aStartAskedForATerminalTheBundleDoesNotAskForFailsAtOnceAndSaysSo() {
        Path bundle = bundle(null, "true");
        long started = System.nanoTime();

        assertThatThrownBy(() -> runtime.start(container.id(), bundle, null,
                directory().resolve("stdout.log"), directory().resolve("stderr.log"), true))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("sent no terminal (its bundle's process asks for none)");

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(Transcript.DEADLINE.toMillis());
        assertThat(bundle.resolve("console.sock")).doesNotExist();
    }

    /** This process's open descriptors, each with what it leads to, but the listing's own. */
    private static Set<String> openDescriptors() throws IOException {
        Path listing = Path.of("/proc", Long.toString(ProcessHandle.current().pid()), "fd");
        Set<String> open = new TreeSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    if (!target.equals(listing)) {
                        open.add(fd.getFileName() + " -> " + target);
                    }
                } catch (IOException e) {
                    // Closed since the listing.
                }
            }
        }
        return open;
    }

    /**
     * The descriptors open now that were not in {@code before}, once there are none or at the
     * deadline: other threads (the JDK's, the engine's reaper) open files for a moment.
     */
    private static Set<String> descriptorsOpenedSince(Set<String> before) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Transcript.DEADLINE.toNanos();
        while (true) {
            Set<String> opened = openDescriptors();
            opened.removeAll(before);
            if (opened.isEmpty() || System.nanoTime() > deadline) {
                return opened;
            }
            Thread.sleep(20);
        }
    }
}
