package shop.engine.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import shop.engine.Engine;
import shop.engine.ServedEngine;
import shop.engine.TestEngines;

/** The installed docker CLI (run, ps, logs, exec, stop, rm, build) driving the engine over its unix socket, plus raw HTTP for the error shapes. */
@Tag("root")
class DockerClientTest {

    static ServedEngine served;
    static Path socket;
    static Engine engine;
    static DockerCli cli;

    @BeforeAll
    static void serve() throws IOException {
        served = ServedEngine.start();
        socket = served.socket();
        engine = served.engine();
        cli = new DockerCli(socket);
    }

    @AfterAll
    static void stop() throws IOException {
        served.close();
        assertThat(socket).doesNotExist();
    }

    static DockerCli.Result docker(String... args) throws Exception {
        return cli.run(args);
    }

    static DockerCli.Result dockerWithInput(String input, String... args) throws Exception {
        return cli.runWithInput(input, args);
    }

    @Test
    void versionInfoAndImages() throws Exception {
        assertThat(docker("version", "--format", "{{.Server.APIVersion}}").out().strip()).isEqualTo("1.51");
        assertThat(docker("info", "--format", "{{.OSType}}").out().strip()).isEqualTo("linux");
        assertThat(docker("images").out()).contains("debian").contains("bookworm-slim");
    }

    @Test
    void runPsLogsStopAndRm() throws Exception {
        DockerCli.Result run = docker("run", "-d", "--name", "api-run", "-e", "WHO=docker", "debian:bookworm-slim",
                "sh", "-c", "echo hello $WHO; echo to-stderr >&2; trap 'exit 0' TERM; while :; do sleep 0.1; done");
        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(docker("ps").out()).contains("api-run").contains("Up");
        Thread.sleep(300);
        DockerCli.Result logs = docker("logs", "api-run");
        assertThat(logs.out()).contains("hello docker").contains("to-stderr");
        DockerCli.Result exec = docker("exec", "-e", "X=from-exec", "api-run", "sh", "-c", "echo $X $WHO; exit 4");
        assertThat(exec.exit()).isEqualTo(4);
        assertThat(exec.out()).isEqualTo("from-exec docker\n");
        DockerCli.Result piped = dockerWithInput("line one\nline two\n", "exec", "-i", "api-run", "sh", "-c", "wc -l; echo end");
        assertThat(piped.out()).isEqualTo("2\nend\n");
        assertThat(docker("stop", "api-run").exit()).isZero();
        assertThat(docker("ps", "-a").out()).contains("Exited (0)");
        assertThat(docker("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", "api-run").out().strip()).isEqualTo("exited 0");
        assertThat(docker("rm", "api-run").exit()).isZero();
        assertThat(docker("ps", "-a", "-q").out()).isEmpty();
    }

    @Test
    void foregroundRunAttachesAndExitsWithTheContainersStatus() throws Exception {
        DockerCli.Result run = docker("run", "--rm", "debian:bookworm-slim", "sh", "-c", "echo attached; echo to-stderr >&2; exit 3");
        assertThat(run.exit()).isEqualTo(3);
        assertThat(run.out()).contains("attached").contains("to-stderr");
        assertThat(docker("ps", "-a", "-q").out()).as("--rm removed it").isEmpty();

        DockerCli.Result piped = dockerWithInput("line one\nline two\n", "run", "-i", "--rm", "debian:bookworm-slim",
                "sh", "-c", "tr a-z A-Z; echo end; exit 5");
        assertThat(piped.out()).as("run -i: the input reaches the container, which sees its end").isEqualTo("LINE ONE\nLINE TWO\nend\n");
        assertThat(piped.exit()).isEqualTo(5);

        DockerCli.Result missing = docker("run", "--rm", "debian:bookworm-slim", "no-such-program");
        assertThat(missing.exit()).as(missing.out()).isEqualTo(127);
        assertThat(missing.out()).contains("executable file not found");
        assertThat(docker("ps", "-a", "-q").out()).as("nothing left of it").isEmpty();
    }

    @Test
    void classicBuildThenRun() throws Exception {
        Path context = Files.createTempDirectory("docker-build");
        Files.writeString(context.resolve("msg.txt"), "built by docker build");
        Files.writeString(context.resolve("Dockerfile"), """
                FROM debian:bookworm-slim AS base
                COPY msg.txt /msg.txt
                RUN cat /msg.txt > /out.txt
                FROM debian:bookworm-slim
                COPY --from=base /out.txt /out.txt
                CMD ["cat", "/out.txt"]
                """);
        DockerCli.Result build = docker("build", "-t", "localhost/docker-built:1", context.toString());
        assertThat(build.exit()).as(build.out()).isZero();
        assertThat(build.out()).contains("Successfully tagged localhost/docker-built:1");
        docker("run", "-d", "--name", "api-built", "localhost/docker-built:1");
        assertThat(docker("wait", "api-built").out().strip()).isEqualTo("0");
        assertThat(docker("logs", "api-built").out()).isEqualTo("built by docker build");
        docker("rm", "api-built");

        Files.writeString(context.resolve("Dockerfile"), "FROM debian:bookworm-slim\nNOPE x\n");
        DockerCli.Result bad = docker("build", context.toString());
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.out()).contains("Dockerfile:2: unknown instruction: NOPE");
    }

    @Test
    void networksVolumesAndPublishedPorts() throws Exception {
        assertThat(docker("network", "create", "api-net").exit()).isZero();
        assertThat(docker("network", "create", "api-net").out()).contains("already exists");
        assertThat(docker("network", "ls").out()).contains("api-net").contains("bridge");
        assertThat(docker("volume", "create", "api-vol").exit()).isZero();
        assertThat(docker("volume", "ls").out()).contains("api-vol");

        DockerCli.Result web = docker("run", "-d", "--name", "api-web", "--network", "api-net", "--network-alias", "web",
                "-v", "api-vol:/data", "-p", "127.0.0.1::8080", "debian:bookworm-slim", "bash", "-c",
                "echo kept > /data/file; " + TestEngines.HELLO_SERVER);
        assertThat(web.exit()).as(web.out()).isZero();
        String port = docker("port", "api-web", "8080").out().strip();
        assertThat(port).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(docker("ps").out()).contains("127.0.0.1:" + port.split(":")[1] + "->8080/tcp");
        String hello = "hello from " + docker("inspect", "--format", "{{.Config.Hostname}}", "api-web").out().strip() + "\n";
        assertThat(readUntilAnswered(Integer.parseInt(port.split(":")[1]))).isEqualTo(hello);

        DockerCli.Result client = docker("run", "--rm", "--network", "api-net", "-v", "api-vol:/data", "debian:bookworm-slim", "bash", "-c",
                "cat /data/file; exec 3<>/dev/tcp/web/8080 && cat <&3");
        assertThat(client.out()).isEqualTo("kept\n" + hello);
        assertThat(docker("network", "rm", "api-net").out()).contains("has active endpoints");
        assertThat(docker("volume", "rm", "api-vol").out()).contains("volume is in use");

        assertThat(docker("rm", "-f", "api-web").exit()).isZero();
        assertThat(docker("network", "rm", "api-net").exit()).isZero();
        assertThat(docker("volume", "rm", "api-vol").exit()).isZero();
        assertThat(docker("network", "ls").out()).doesNotContain("api-net");
        assertThat(docker("volume", "ls").out()).doesNotContain("api-vol");
    }

    /** The server prints "listening" before it accepts; until then the proxy closes connections unanswered. */
    private static String readUntilAnswered(int port) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                s.setSoTimeout(5_000);
                String text = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!text.isEmpty() || System.currentTimeMillis() > deadline) {
                    return text;
                }
            }
            Thread.sleep(50);
        }
    }

    @Test
    void badRequestsGet4xxJsonMessages() throws Exception {
        assertThat(http("POST", "/v1.44/containers/create", "{bad")).startsWith("400 ").contains("{\"message\":\"bad request");
        assertThat(http("POST", "/containers/create", "{\"Image\":\"Not Valid\"}")).startsWith("400 ").contains("invalid reference");
        assertThat(http("POST", "/containers/create?name=bad-stdin", "{\"Image\":\"debian:bookworm-slim\",\"OpenStdin\":\"yes\"}"))
                .startsWith("400 ").contains("OpenStdin");
        assertThat(http("GET", "/containers/bad-stdin/json", null)).as("nothing created").startsWith("404 ");
        assertThat(http("POST", "/containers/nosuch/attach?stdin=1&stdout=1&stream=1", null)).startsWith("404 ");
        assertThat(http("GET", "/v1.24/containers/nosuch/json", null)).startsWith("404 ").contains("{\"message\":\"No such container: nosuch\"}");
        assertThat(http("GET", "/no/such/endpoint", null)).startsWith("404 ").contains("\"message\"");
        assertThat(http("POST", "/containers/create?name=dup", "{\"Image\":\"debian:bookworm-slim\",\"Cmd\":[\"true\"]}")).startsWith("201 ");
        assertThat(http("POST", "/containers/create?name=dup", "{\"Image\":\"debian:bookworm-slim\",\"Cmd\":[\"true\"]}"))
                .startsWith("409 ").contains("already in use");
        assertThat(http("DELETE", "/containers/dup", null)).startsWith("204 ");
        assertThat(http("GET", "/v1.51/_ping", null)).startsWith("200 ").endsWith("OK");
    }

    private static String http(String method, String path, String body) throws IOException {
        return cli.http(method, path, body);
    }
}
