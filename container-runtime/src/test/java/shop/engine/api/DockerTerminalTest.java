package shop.engine.api;

import static org.assertj.core.api.Assertions.assertThat;
import static shop.engine.ScriptedTerminal.CTRL_D;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import shop.engine.ScriptedTerminal;

/**
 * The docker CLI's {@code run -it} and {@code exec -it} against the engine, on a terminal that
 * util-linux script gives the CLI (it refuses -t without one), typed into as a user types: Enter
 * is a carriage return, which the container's terminal turns into a newline. Then what the CLI
 * hides, over plain HTTP: raw logs, resize's checks, an exec's terminal without an upgrade.
 */
@Tag("root")
class DockerTerminalTest extends ServedDockerCli {

    ScriptedTerminal terminal;

    @AfterEach
    void closeTerminal() throws Exception {
        if (terminal != null) {
            terminal.close();
        }
        for (String id : cli.ok("ps", "-aq").split("\\s+")) {
            if (!id.isEmpty()) {
                cli.run("rm", "-f", id);
            }
        }
    }

    /** Runs a shell command line on a terminal of 30 rows and 100 columns; the docker CLI finds the engine. */
    private ScriptedTerminal onTerminal(String command) throws IOException {
        terminal = ScriptedTerminal.run(cli.environment(), "stty rows 30 cols 100; " + command);
        return terminal;
    }

    private static long initOf(String container) {
        return served.engine().containers().inspect(container).state().pid();
    }

    @Test
    void runItGivesTheContainerTheClientsTerminalSizeEchoesTypingAndReturnsTheExitCode() throws Exception {
        onTerminal("docker run -it --rm --name tty-run debian:bookworm-slim sh -c 'tty; stty size; read line; echo \"got $line\"; exit 3'");
        terminal.transcript().await("30 100\r\n");

        terminal.type("hello\r");

        terminal.transcript().await("got hello\r\n");
        assertThat(terminal.awaitExit()).isEqualTo(3);
        assertThat(terminal.transcript().text()).containsPattern("/dev/pts/\\d+\r\n30 100\r\nhello\r\ngot hello\r\n");
        assertThat(cli.ok("ps", "-aq")).as("--rm removed it").isBlank();
    }

    @Test
    void theContainersTerminalFollowsTheClientsResizesAndTheResizeEndpoint() throws Exception {
        onTerminal("docker run -it --name tty-resize debian:bookworm-slim sh -c 'stty size; while read line; do stty size; done'");
        terminal.transcript().await("30 100\r\n");

        terminal.resize(40, 120);
        terminal.typeUntilShown("\r", "40 120\r\n");
        assertThat(cli.http("POST", "/containers/tty-resize/resize?h=50&w=132", null)).startsWith("200");
        terminal.type("\r");
        terminal.transcript().await("50 132\r\n");

        terminal.type(CTRL_D);
        assertThat(terminal.awaitExit()).isZero();
        assertThat(cli.ok("inspect", "--format", "{{.Config.Tty}} {{.State.ExitCode}}", "tty-resize").strip()).isEqualTo("true 0");
    }

    @Test
    void ctrlCInterruptsTheForegroundSleepAndCtrlDEndsCatInAnInteractiveShell() throws Exception {
        onTerminal("docker run -it --rm --name tty-keys debian:bookworm-slim sh");
        terminal.transcript().await("# ");
        terminal.interruptSleepThenEndCat(initOf("tty-keys"));

        terminal.type("exit 7\r");

        assertThat(terminal.awaitExit()).isEqualTo(7);
    }

    @Test
    void startAiPutsAContainerCreatedWithItOnTheClientsTerminal() throws Exception {
        cli.ok("create", "-it", "--name", "tty-start", "debian:bookworm-slim", "sh");
        onTerminal("docker start -ai tty-start");
        terminal.transcript().await("# ");

        terminal.type("stty size; exit 3\r");

        terminal.transcript().await("30 100\r\n");
        assertThat(terminal.awaitExit()).isEqualTo(3);
    }

    @Test
    void execItRunsAShellOnATerminalOfItsOwnThatFollowsResizes() throws Exception {
        cli.ok("run", "-d", "--name", "exec-box", "debian:bookworm-slim", "sleep", "300");
        onTerminal("docker exec -it exec-box sh");
        terminal.transcript().await("# ");

        terminal.type("tty; stty size\r");
        assertThat(terminal.transcript().await("30 100\r\n")).containsPattern("/dev/pts/\\d+\r\n30 100\r\n");
        terminal.resize(40, 120);
        terminal.typeUntilShown("stty size\r", "40 120\r\n");
        terminal.interruptSleepThenEndCat(initOf("exec-box"));
        terminal.type("exit 5\r");

        assertThat(terminal.awaitExit()).isEqualTo(5);
        assertThat(cli.ok("inspect", "--format", "{{.State.Running}}", "exec-box").strip()).as("the container goes on").isEqualTo("true");
    }

    @Test
    void logsOfAContainerOnATerminalAreRawAndShowStderrOnTheOneStream() throws Exception {
        cli.ok("run", "-d", "-t", "--name", "tty-logs", "debian:bookworm-slim", "sh", "-c", "echo one; echo two >&2; exit 0");
        assertThat(cli.ok("wait", "tty-logs").strip()).isEqualTo("0");

        DockerCli.Response logs = cli.exchange("GET", "/containers/tty-logs/logs?stdout=1&stderr=1", null, "application/json");

        assertThat(logs.status()).isEqualTo(200);
        assertThat(logs.headers()).contains("Content-Type: application/vnd.docker.raw-stream");
        assertThat(logs.body()).as("no 8-byte frame headers").isEqualTo("one\r\ntwo\r\n");
        assertThat(cli.ok("logs", "tty-logs")).isEqualTo("one\r\ntwo\r\n");
    }

    @Test
    void everythingAContainerOnATerminalShowsBeforeItExitsReachesTheAttachedClient() throws Exception {
        DockerCli.Result run = cli.run("run", "-t", "--rm", "debian:bookworm-slim", "seq", "1", "20000");

        assertThat(run.exit()).isZero();
        assertThat(run.out().split("\r\n")).hasSize(20000);
        assertThat(run.out()).endsWith("\r\n19999\r\n20000\r\n");
    }

    @Test
    void anExecOnATerminalStreamsRawWithoutAnUpgradeToo() throws Exception {
        cli.ok("run", "-d", "--name", "plain-exec", "debian:bookworm-slim", "sleep", "300");
        String created = cli.http("POST", "/containers/plain-exec/exec",
                "{\"Cmd\":[\"sh\",\"-c\",\"tty; stty size; echo to-stderr >&2\"],\"Tty\":true,\"ConsoleSize\":[33,99],"
                        + "\"AttachStdout\":true,\"AttachStderr\":true}");
        String id = created.replaceAll(".*\"Id\":\"([0-9a-f]+)\".*", "$1");

        DockerCli.Response started = cli.exchange("POST", "/exec/" + id + "/start",
                "{\"Tty\":true}".getBytes(StandardCharsets.UTF_8), "application/json");

        assertThat(started.headers()).contains("Content-Type: application/vnd.docker.raw-stream");
        assertThat(started.body()).matches("/dev/pts/\\d+\r\n(33 99|0 0)\r\nto-stderr\r\n");
        assertThat(cli.http("GET", "/exec/" + id + "/json", null)).contains("\"tty\":true").contains("\"ExitCode\":0");
        assertThat(cli.http("POST", "/exec/" + id + "/resize?h=24&w=80", null)).startsWith("409 ").contains("not running");
    }

    @Test
    void resizeNamesABadHOrWAndRefusesAContainerOrExecWithoutATerminal() throws Exception {
        cli.ok("run", "-d", "-t", "--name", "tty-box", "debian:bookworm-slim", "sleep", "300");
        cli.ok("run", "-d", "--name", "plain-box", "debian:bookworm-slim", "sleep", "300");
        cli.ok("create", "-t", "--name", "tty-idle", "debian:bookworm-slim", "true");

        assertThat(cli.http("POST", "/containers/tty-box/resize?h=tall&w=80", null)).startsWith("400 ").contains("h: \\\"tall\\\" is not an integer");
        assertThat(cli.http("POST", "/containers/tty-box/resize?w=80", null)).startsWith("400 ").contains("h: is required");
        assertThat(cli.http("POST", "/containers/tty-box/resize?h=24&w=70000", null)).startsWith("400 ").contains("w: 70000");
        assertThat(cli.http("POST", "/containers/tty-box/resize?h=-1&w=80", null)).startsWith("400 ").contains("h: -1");
        assertThat(cli.http("POST", "/containers/plain-box/resize?h=24&w=80", null)).startsWith("400 ").contains("not created with a TTY");
        assertThat(cli.http("POST", "/containers/tty-idle/resize?h=24&w=80", null)).startsWith("409 ").contains("not running");
        assertThat(cli.http("POST", "/containers/tty-box/resize?h=24&w=80", null)).startsWith("200");
        assertThat(cli.ok("exec", "tty-box", "stty", "-F", "/dev/pts/0", "size")).isEqualTo("24 80\n");

        String plainExec = cli.http("POST", "/containers/plain-box/exec", "{\"Cmd\":[\"true\"]}")
                .replaceAll(".*\"Id\":\"([0-9a-f]+)\".*", "$1");
        assertThat(cli.http("POST", "/exec/" + plainExec + "/resize?h=24&w=80", null)).startsWith("400 ").contains("not created with a TTY");
        assertThat(cli.http("POST", "/exec/" + plainExec + "/resize?h=24", null)).startsWith("400 ").contains("w: is required");
        assertThat(cli.http("POST", "/containers/plain-box/exec", "{\"Cmd\":[\"sh\"],\"Tty\":true,\"ConsoleSize\":[24]}"))
                .startsWith("400 ").contains("ConsoleSize");
        assertThat(cli.http("POST", "/containers/create", "{\"Image\":\"debian:bookworm-slim\",\"Tty\":true,"
                + "\"HostConfig\":{\"ConsoleSize\":[24,-80]}}")).startsWith("400 ").contains("HostConfig.ConsoleSize");
    }
}
