package shop.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static shop.engine.ScriptedTerminal.CTRL_C;
import static shop.engine.ScriptedTerminal.CTRL_D;
import static shop.engine.runtime.ConsoleTests.PATH;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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

/** Processes exec'd on a terminal in a running container, on real crun as root. */
@Tag("root")
class ConsoleExecTest {

    Engine engine;
    OciRuntime runtime;
    Container container;
    final Transcript transcript = new Transcript();
    final ByteArrayOutputStream runtimeOutput = new ByteArrayOutputStream();
    final CompletableFuture<Console> console = new CompletableFuture<>();

    @BeforeEach
    void startContainer() {
        engine = TestEngines.open("crun");
        runtime = engine.runtime();
        container = ConsoleTests.createContainer(engine, "sleep", "300");
        engine.containers().start(container.id());
    }

    @AfterEach
    void removeEverything() {
        TestEngines.removeEverything(engine);
    }

    /** Runs {@code args} on a terminal of {@code size}, typed into from {@code stdin}; completes with its status. */
    private CompletableFuture<Integer> exec(TerminalSize size, InputStream stdin, String... args) {
        CompletableFuture<Integer> status = new CompletableFuture<>();
        Thread exec = new Thread(() -> {
            try {
                status.complete(runtime.exec(container.id(), bundle(), process(args), stdin, transcript,
                        runtimeOutput, null, new OciRuntime.ExecTerminal(size, console::complete)));
            } catch (RuntimeException e) {
                status.completeExceptionally(e);
                // So a test waiting for the terminal fails with why it never showed anything.
                transcript.write(e.toString().getBytes(StandardCharsets.UTF_8), 0, e.toString().length());
            } finally {
                transcript.close();
            }
        }, "exec");
        exec.setDaemon(true);
        exec.start();
        return status;
    }

    private Console console() throws Exception {
        return console.get(Transcript.DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    private void type(String keys) throws Exception {
        console().outputStream().write(keys.getBytes(StandardCharsets.UTF_8));
    }

    private static int statusOf(CompletableFuture<Integer> exec) throws Exception {
        return exec.get(Transcript.DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    private long init() {
        return engine.containers().inspect(container.id()).state().pid();
    }

    @Test
    void anExecOnATerminalHasItAsStdioAndTermSetToXterm() throws Exception {
        int status = statusOf(exec(TerminalSize.UNSET, null, "sh", "-c",
                "tty; test -t 0 && test -t 1 && test -t 2 && echo all three are the terminal; echo TERM=$TERM"));

        assertThat(status).isZero();
        assertThat(transcript.text()).matches("/dev/pts/\\d+\r\nall three are the terminal\r\nTERM=xterm\r\n");
        assertThat(runtimeOutput.toString()).isEmpty();
        assertThat(execFilesLeft()).as("process file, pid file and socket of the exec").isEmpty();
    }

    @Test
    void whatItsStdinTypesIsEchoedAndCtrlDEndsCat() throws Exception {
        PipedOutputStream keyboard = new PipedOutputStream();
        CompletableFuture<Integer> exec = exec(TerminalSize.UNSET, new PipedInputStream(keyboard), "cat");

        keyboard.write("hello\n".getBytes(StandardCharsets.UTF_8));
        keyboard.flush();
        transcript.await("hello\r\nhello\r\n");
        keyboard.write(CTRL_D.getBytes(StandardCharsets.UTF_8));
        keyboard.flush();

        assertThat(statusOf(exec)).isZero();
        assertThat(transcript.text()).isEqualTo("hello\r\nhello\r\n");
    }

    @Test
    void sttySizeReportsTheFirstSizeThenEachResize() throws Exception {
        CompletableFuture<Integer> exec = exec(new TerminalSize(33, 99), null, "sh");
        transcript.await("# ");
        type("stty size\n");
        transcript.await("33 99\r\n");

        console().resize(50, 132);
        type("stty size\n");
        transcript.await("50 132\r\n");
        type("exit\n");

        assertThat(statusOf(exec)).isZero();
    }

    @Test
    void ctrlCInterruptsTheForegroundSleepOfAnInteractiveShell() throws Exception {
        CompletableFuture<Integer> exec = exec(TerminalSize.UNSET, null, "sh");
        transcript.await("# ");
        type("sleep 100\n");
        ContainerProcesses.awaitRunning(init(), "sleep");

        type(CTRL_C);
        type("echo sleep ended with $?\n");

        transcript.await("sleep ended with 130\r\n");
        type("exit 7\n");
        assertThat(statusOf(exec)).isEqualTo(7);
    }

    @Test
    void anExecReturnsWhenItsProcessExitsThoughSomethingItLeftHoldsTheTerminal() throws Exception {
        long started = System.nanoTime();

        // The leftover ignores the SIGHUP the shell's exit sends it, and keeps the terminal open.
        int status = statusOf(exec(TerminalSize.UNSET, null, "sh", "-c", "trap '' HUP; sleep 100 & echo left it"));

        assertThat(status).isZero();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(5_000);
        assertThat(transcript.text()).isEqualTo("left it\r\n");
        ContainerProcesses.awaitRunning(init(), "sleep");
        assertThatThrownBy(() -> console().resize(24, 80)).hasMessageContaining("console closed");
    }

    @Test
    void anExecOnATerminalWithRuncIsRefusedWithTheReason() {
        OciRuntime runc = new CliRuntime("runc", TestEngines.STATE.resolve("runtime").resolve("runc"));

        assertThatThrownBy(() -> runc.exec(container.id(), bundle(), process("tty"), null, transcript, runtimeOutput,
                null, new OciRuntime.ExecTerminal(TerminalSize.UNSET, console::complete)))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("runc sends a terminal only for exec --detach; use crun");
    }

    private Path bundle() {
        return TestEngines.STATE.resolve("containers").resolve(container.id()).resolve("bundle");
    }

    private static OciRuntime.ExecProcess process(String... args) {
        return new OciRuntime.ExecProcess(List.of(args), PATH, "/", 0, 0, List.of(), false);
    }

    private List<Path> execFilesLeft() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(f -> f.getFileName().toString().startsWith("exec-" + container.id())).toList();
        }
    }
}
