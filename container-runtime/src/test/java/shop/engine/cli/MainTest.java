package shop.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.transport.DockerHttpClient.Request.Method;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shop.engine.TestEngines;
import shop.engine.api.UnixSocketApi;
import shop.engine.client.EngineRequests;
import shop.engine.support.EngineException;
import shop.engine.support.Json;

/**
 * The CLI in-process, over the shared test state; real containers. Container and image commands
 * go through an engine API this test JVM serves (EngineClientsTest covers the CLI starting one).
 */
@Tag("root")
public class MainTest {

    public record Result(int exit, String out, String err) {
    }

    private static UnixSocketApi api;

    private static synchronized String host() {
        if (api == null) {
            try {
                api = new UnixSocketApi(TestEngines.open("crun"), Files.createTempDirectory("cli-api").resolve("engine.sock"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            api.start();
        }
        return "unix://" + api.socket();
    }

    public static Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] full = new String[args.length + 4];
        full[0] = "--root";
        full[1] = TestEngines.STATE.toString();
        full[2] = "--host";
        full[3] = host();
        System.arraycopy(args, 0, full, 4, args.length);
        int exit = Main.execute(full, new PrintStream(out, true), new PrintStream(err, true));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void pullPushAndLoginRefuseBadInputWithANonZeroExit() {
        Result pull = cli("pull", "Not Valid");
        assertThat(pull.exit()).isEqualTo(1);
        assertThat(pull.err()).contains("invalid reference \"Not Valid\"");
        Result push = cli("push", "localhost:1/no-such-image:1");
        assertThat(push.exit()).isEqualTo(1);
        assertThat(push.err()).contains("No such image: localhost:1/no-such-image:1");
        Result login = cli("login", "-u", "alice", "localhost:1");
        assertThat(login.exit()).isEqualTo(1);
        assertThat(login.err()).contains("a password is required");
    }

    @Test
    void everyCommandAnswersHelpButACommandsOwnArgumentsAreLeftToIt() {
        Result fig = cli("fig", "--help");
        assertThat(fig.exit()).isZero();
        assertThat(fig.out()).contains("Usage: shop-engine fig").contains("deploy").contains("releases");
        Result up = cli("fig", "up", "-h");
        assertThat(up.exit()).isZero();
        assertThat(up.out()).contains("Usage: shop-engine fig up").contains("--detach");
        TestEngines.open("crun").containers().close();
        Result printed = cli("run", "--rm", "debian:bookworm-slim", "printf", "[%s]", "--help");
        assertThat(printed.exit()).isZero();
        assertThat(printed.out()).isEqualTo("[--help]");
    }

    @Test
    void runPrintsTheOutputAndExitsWithTheContainersStatus() {
        TestEngines.open("crun").containers().close();
        Result r = cli("run", "--rm", "-e", "WHO=world", "debian:bookworm-slim", "sh", "-c", "echo hello $WHO; exit 5");
        assertThat(r.out()).isEqualTo("hello world\n");
        assertThat(r.exit()).isEqualTo(5);
        assertThat(cli("ps", "-a", "-q").out()).isEmpty();
    }

    @Test
    void detachedContainerCanBeListedExecedStoppedAndRemoved() {
        TestEngines.open("crun").containers().close();
        Result run = cli("run", "-d", "--name", "cli-bg", "debian:bookworm-slim", "sleep", "60");
        assertThat(run.exit()).isZero();
        assertThat(cli("ps").out()).contains("cli-bg").contains("Up");
        Result exec = cli("exec", "cli-bg", "sh", "-c", "echo in; exit 2");
        assertThat(exec.out()).isEqualTo("in\n");
        assertThat(exec.exit()).isEqualTo(2);
        assertThat(cli("stop", "-t", "1", "cli-bg").exit()).isZero();
        assertThat(cli("ps", "-a").out()).contains("Exited (137)");
        assertThat(cli("rm", "cli-bg").exit()).isZero();
        assertThat(cli("ps", "-a", "-q").out()).isEmpty();
    }

    @Test
    void aDetachedContainersPublishedPortOutlivesTheCommand() throws Exception {
        Result run = cli("run", "-d", "--name", "cli-web", "-p", "127.0.0.1::8080", "debian:bookworm-slim", "bash", "-c",
                TestEngines.HELLO_SERVER);
        assertThat(run.exit()).as(run.err()).isZero();
        java.util.regex.Matcher port = java.util.regex.Pattern.compile("127\\.0\\.0\\.1:(\\d+)->8080/tcp").matcher(cli("ps").out());
        assertThat(port.find()).isTrue();
        String answer = "";
        for (int i = 0; i < 100 && answer.isEmpty(); i++) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", Integer.parseInt(port.group(1)))) {
                answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            }
            Thread.sleep(50);
        }
        assertThat(answer).startsWith("hello from ");
        assertThat(cli("rm", "-f", "cli-web").exit()).isZero();
    }

    @Test
    void badInputExitsNonZeroWithTheReason() {
        Result badRef = cli("tag", "debian:bookworm-slim", "Not/Valid");
        assertThat(badRef.exit()).isEqualTo(1);
        assertThat(badRef.err()).contains("invalid reference \"Not/Valid\"");
        Result missing = cli("rm", "no-such-container");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("No such container: no-such-container");
        assertThat(cli("run", "--memory", "lots", "debian:bookworm-slim", "true").err()).contains("invalid size: 'lots'");
        assertThat(cli("frobnicate").exit()).isNotZero();
    }

    @Test
    void saveAndLoadThroughTheCli(@TempDir Path dir) {
        TestEngines.open("crun").containers().close();
        assertThat(cli("tag", "debian:bookworm-slim", "localhost/saved:1").exit()).isZero();
        Path tar = dir.resolve("saved.tar");
        assertThat(cli("save", "-o", tar.toString(), "localhost/saved:1").exit()).isZero();
        assertThat(cli("rmi", "localhost/saved:1").out()).contains("Untagged: localhost/saved:1");
        assertThat(cli("load", "-i", tar.toString()).out()).isEqualTo("Loaded image: localhost/saved:1\n");
        assertThat(cli("images").out()).contains("localhost/saved");
        cli("rmi", "localhost/saved:1");
    }

    @Test
    void buildSendsTheContextToTheEngineAndReportsTheFailingLine(@TempDir Path context) throws Exception {
        TestEngines.open("crun").containers().close();
        Files.writeString(context.resolve("msg.txt"), "built through the API");
        Files.writeString(context.resolve("ignored.txt"), "left out");
        Files.writeString(context.resolve(".dockerignore"), "ignored.txt\n");
        Files.writeString(context.resolve("Dockerfile"), """
                FROM debian:bookworm-slim
                COPY . /ctx/
                CMD ["sh", "-c", "cat /ctx/msg.txt; ls /ctx"]
                """);
        Result build = cli("build", "-t", "localhost/cli-built:1", context.toString());
        assertThat(build.exit()).as(build.err()).isZero();
        assertThat(build.out()).contains("Successfully tagged localhost/cli-built:1");
        assertThat(cli("run", "--rm", "localhost/cli-built:1").out())
                .isEqualTo("built through the API" + "Dockerfile\nmsg.txt\n");

        Files.writeString(context.resolve("Dockerfile"), "FROM debian:bookworm-slim\nNOPE x\n");
        Result bad = cli("build", context.toString());
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("Dockerfile:2: unknown instruction: NOPE");
        assertThat(cli("build", "-f", "Missing.dockerfile", context.toString()).err()).contains("no Dockerfile at");
        cli("rmi", "localhost/cli-built:1");
    }

    @Test
    void inspectImportAndSaveGoThroughTheApi(@TempDir Path dir) throws Exception {
        JsonNode debian = Json.MAPPER.readTree(cli("inspect", "debian:bookworm-slim").out());
        assertThat(debian.get(0).path("RepoTags").toString()).contains("debian:bookworm-slim");
        Result missing = cli("inspect", "no-such-thing");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("No such object: no-such-thing");

        Path rootfs = dir.resolve("rootfs.tar");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(rootfs))) {
            byte[] hello = "hello\n".getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry entry = new TarArchiveEntry("hello.txt");
            entry.setSize(hello.length);
            tar.putArchiveEntry(entry);
            tar.write(hello);
            tar.closeArchiveEntry();
        }
        Result imported = cli("import", "--cmd", "cat", "--cmd", "/hello.txt", "-e", "GREETING=hi", rootfs.toString(),
                "localhost/cli-imported:1");
        assertThat(imported.exit()).as(imported.err()).isZero();
        assertThat(imported.out()).startsWith("sha256:");
        JsonNode config = Json.MAPPER.readTree(cli("inspect", "localhost/cli-imported:1").out()).get(0).path("Config");
        assertThat(config.path("Cmd").toString()).isEqualTo("[\"cat\",\"/hello.txt\"]");
        assertThat(config.path("Env").toString()).contains("GREETING=hi");
        assertThat(cli("import", rootfs.toString(), "Not Valid").err()).contains("invalid reference");

        Path none = dir.resolve("none.tar");
        Result unsaved = cli("save", "-o", none.toString(), "localhost/no-such-image:1");
        assertThat(unsaved.exit()).isEqualTo(1);
        assertThat(unsaved.err()).contains("No such image");
        assertThat(dir).isDirectoryNotContaining(path -> !path.getFileName().toString().equals("rootfs.tar"));
        cli("rmi", "localhost/cli-imported:1");
    }

    /** The API's tarball endpoints refuse what they cannot take with a 400 that names it, and store nothing. */
    @Test
    void importAndLoadRefuseBadInputOverTheApi() throws Exception {
        try (EngineRequests api = new EngineRequests(host())) {
            int images = api.json("/images/json").size();
            assertThatThrownBy(() -> api.send(Method.POST, "/images/create?fromSrc=-&repo=localhost/bad&changes="
                    + EngineRequests.encode("ONBUILD RUN true"), new ByteArrayInputStream(new byte[0]), "application/x-tar"))
                    .hasMessageContaining("only CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME and WORKDIR");
            assertThatThrownBy(() -> api.send(Method.POST, "/images/create?fromSrc=" + EngineRequests.encode("http://x/y.tar")
                    + "&repo=localhost/bad", null, null)).hasMessageContaining("fromSrc: only \"-\"");
            assertThatThrownBy(() -> api.send(Method.POST, "/images/create?fromSrc=-&repo=localhost/bad&changes="
                    + EngineRequests.encode("ENV NOVALUE"), new ByteArrayInputStream(new byte[0]), "application/x-tar"))
                    .hasMessageContaining("ENV needs NAME=value");
            assertThatThrownBy(() -> api.send(Method.POST, "/images/load",
                    new ByteArrayInputStream("not a tarball".getBytes(StandardCharsets.UTF_8)), "application/x-tar"))
                    .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isIn(
                            EngineException.Kind.INVALID, EngineException.Kind.FAILED));
            assertThatThrownBy(() -> api.send(Method.GET, "/images/get", null, null))
                    .hasMessageContaining("names is required");
            assertThat(api.json("/images/json").size()).as("nothing stored").isEqualTo(images);
        }
    }
}
