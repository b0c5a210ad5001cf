package shop.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shop.engine.ScriptedTerminal;
import shop.engine.ServedEngine;

/**
 * The engine's own CLI with a container or exec on the user's terminal: {@code run -it},
 * {@code exec -it}, and fig's run and exec, which are interactive whenever stdin is a terminal.
 * Each runs as a program of its own (a JVM on the tests' class path) on a terminal that util-linux
 * script makes, 30 rows by 100 columns, typed into as a user types (Enter is a carriage return).
 */
@Tag("root")
class InteractiveCommandsTest {

    /** A JVM starts before the first thing shows. */
    static final Duration FIRST_OUTPUT = Duration.ofSeconds(60);

    static ServedEngine served;
    ScriptedTerminal terminal;

    @BeforeAll
    static void serve() throws IOException {
        served = ServedEngine.start();
    }

    @AfterAll
    static void stop() throws IOException {
        served.close();
    }

    @AfterEach
    void closeTerminal() {
        if (terminal != null) {
            terminal.close();
        }
        for (var c : served.engine().containers().list(true)) {
            served.engine().containers().remove(c.id(), true);
        }
    }

    /** {@code shop-engine -H <the served engine> <args>} as a shell command line; args are quoted by the caller. */
    private static String shopEngine(String args) {
        return Path.of(System.getProperty("java.home"), "bin", "java") + " -cp '" + System.getProperty("java.class.path")
                + "' " + Main.class.getName() + " -H " + served.host() + " " + args;
    }

    /**
     * Runs a command line on a terminal of 30 x 100; after it, says whether the terminal's
     * settings are those it had before, and exits with the command's status.
     */
    private ScriptedTerminal onTerminal(String command) throws IOException {
        terminal = ScriptedTerminal.run(Map.of(), "stty rows 30 cols 100; before=$(stty -g); " + command
                + "; status=$?; [ \"$(stty -g)\" = \"$before\" ] && echo terminal restored; exit $status");
        return terminal;
    }

    /** Runs the CLI in this JVM, off any terminal; fails on a non-zero status. */
    private static String inProcess(String... args) {
        List<String> full = new ArrayList<>(List.of("-H", served.host()));
        full.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        int status = Main.execute(full.toArray(String[]::new), print, print);
        assertThat(status).as("shop-engine " + String.join(" ", args) + ": " + out).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static long initOf(String container) {
        return served.engine().containers().inspect(container).state().pid();
    }

    @Test
    void runItRunsTheContainerOnThisTerminalOfItsSizeAndRestoresTheTerminalAfter() throws Exception {
        onTerminal(shopEngine("run -it --rm debian:bookworm-slim sh -c 'tty; stty size; read line; echo \"got $line\"; exit 4'"));
        terminal.transcript().await("30 100\r\n", FIRST_OUTPUT);

        terminal.type("hello\r");

        assertThat(terminal.awaitExit()).isEqualTo(4);
        assertThat(terminal.transcript().text()).containsPattern("/dev/pts/\\d+\r\n30 100\r\nhello\r\ngot hello\r\n")
                .contains("terminal restored");
        assertThat(served.engine().containers().list(true)).as("--rm removed it").isEmpty();
    }

    @Test
    void runItPassesCtrlCAndCtrlDAndTheWindowsResizesToTheContainer() throws Exception {
        onTerminal(shopEngine("run -it --name cli-keys debian:bookworm-slim sh"));
        terminal.transcript().await("# ", FIRST_OUTPUT);

        terminal.resize(40, 120);
        terminal.typeUntilShown("stty size\r", "40 120\r\n");
        terminal.interruptSleepThenEndCat(initOf("cli-keys"));
        terminal.type("exit 7\r");

        assertThat(terminal.awaitExit()).isEqualTo(7);
        assertThat(terminal.transcript().text()).contains("terminal restored");
    }

    @Test
    void execItRunsTheCommandOnATerminalOfThisOnesSize() throws Exception {
        inProcess("run", "-d", "--name", "cli-exec-box", "debian:bookworm-slim", "sleep", "300");
        onTerminal(shopEngine("exec -it cli-exec-box sh -c 'tty; while read line; do stty size; [ \"$line\" = done ] && exit 6; done'"));
        terminal.transcript().await("/dev/pts/", FIRST_OUTPUT);

        // The size follows the exec's start by a moment (docker-java sends no ConsoleSize).
        terminal.typeUntilShown("\r", "30 100\r\n");
        terminal.type("done\r");

        assertThat(terminal.awaitExit()).isEqualTo(6);
        assertThat(terminal.transcript().text()).contains("done\r\n30 100\r\n").contains("terminal restored");
    }

    @Test
    void runWithIButNoTIsRefusedBeforeAnythingIsCreated() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);

        int status = Main.execute(new String[] {"-H", served.host(), "run", "-i", "debian:bookworm-slim", "cat"}, print, print);

        assertThat(status).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("-i without -t");
        assertThat(served.engine().containers().list(true)).isEmpty();
    }

    @Test
    void figRunAndExecAreInteractiveOnATerminal(@TempDir Path project) throws Exception {
        Path file = project.resolve("fig.yml");
        Files.writeString(file, """
                services:
                  box:
                    image: debian:bookworm-slim
                    command: ["sleep", "300"]
                    stop_signal: SIGKILL  # sleep as PID 1 ignores SIGTERM: spares down its 10 s grace
                """);
        String fig = "fig -f " + file + " -p figtty ";

        onTerminal(shopEngine(fig + "run --rm box sh -c 'tty; stty size; read line; echo \"got $line\"; exit 2'"));
        terminal.transcript().await("30 100\r\n", FIRST_OUTPUT);
        terminal.type("hello\r");
        assertThat(terminal.awaitExit()).isEqualTo(2);
        assertThat(terminal.transcript().text()).containsPattern("/dev/pts/\\d+\r\n30 100\r\nhello\r\ngot hello\r\n")
                .contains("terminal restored");
        terminal.close();

        try {
            inProcess("fig", "-f", file.toString(), "-p", "figtty", "up", "-d");
            onTerminal(shopEngine(fig + "exec box sh"));
            terminal.transcript().await("# ", FIRST_OUTPUT);
            terminal.interruptSleepThenEndCat(initOf("figtty_box_1"));
            terminal.type("exit 3\r");
            assertThat(terminal.awaitExit()).isEqualTo(3);
        } finally {
            inProcess("fig", "-f", file.toString(), "-p", "figtty", "down");
        }
    }
}
