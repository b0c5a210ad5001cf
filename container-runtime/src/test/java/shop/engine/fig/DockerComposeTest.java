package shop.engine.fig;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import shop.engine.ClientProcess;
import shop.engine.ServedEngine;
import shop.engine.TestEngines;
import shop.engine.support.Json;

/**
 * Debian's docker-compose 1.29 on the engine, as a user runs it: a Fig 1.0 file (services at the
 * root, links, a loopback port, a named volume) through up, ps, logs, run --rm, scale, a
 * recreate, stop, rm -f and down -v; fig and compose each seeing the other's containers; and the
 * shop's own fig.yml validated and its registry and postgres brought up and down from their
 * Dockerfiles. The shop's part publishes 127.0.0.1:5000, its registry's fixed port, as
 * system-tests' ShopStackTest does.
 */
@Tag("root")
class DockerComposeTest {

    static final Path DIR = Path.of("target/docker-compose-it").toAbsolutePath();
    static final Path SHOP_FIG_YML = Path.of("../fig.yml").toAbsolutePath().normalize();
    static final String VOLUME = "fig-compose-it-data";
    /** Keeps a stamp of its first start in the volume, prints it, then answers on 8080. */
    static final String DB = "test -f /data/stamp || date +%s%N > /data/stamp; echo stamp $(cat /data/stamp); "
            + TestEngines.HELLO_SERVER;

    static ServedEngine served;
    static DockerClient docker;
    static DockerCompose compose;

    @BeforeAll
    static void writeTheFig10File() throws IOException {
        served = ServedEngine.start();
        docker = served.docker();
        Files.createDirectories(DIR.resolve("docker-config"));
        Path file = DIR.resolve("fig.yml");
        // perl as PID 1 ignores SIGTERM: SIGKILL spares each stop compose's 10 s.
        Files.writeString(file, """
                db:
                  image: debian:bookworm-slim
                  command: %s
                  volumes: ["%s:/data"]
                  stop_signal: SIGKILL
                web:
                  image: debian:bookworm-slim
                  command: %s
                  links: ["db:database"]
                  ports: ["127.0.0.1::8080"]
                  stop_signal: SIGKILL
                """.formatted(bash(DB), VOLUME, bash(TestEngines.HELLO_SERVER)));
        compose = new DockerCompose(served.host(), file, "figdc", DIR.resolve("docker-config"));
    }

    /** A bash command as a YAML flow sequence (JSON is YAML), with the files' "$" escaped as "$$". */
    private static String bash(String script) throws IOException {
        return Json.MAPPER.writeValueAsString(List.of("bash", "-c", script.replace("$", "$$")));
    }

    @AfterEach
    void nothingOfTheProjectIsLeft() throws Exception {
        compose.run("down", "-v");
        assertThat(projectContainers("figdc")).isEmpty();
        try {
            docker.removeVolumeCmd(VOLUME).exec();
        } catch (NotFoundException alreadyGone) {
            // The test removed it, or never started db.
        }
    }

    @AfterAll
    static void stop() throws IOException {
        served.close();
    }

    static FigRun fig(String... args) {
        return FigRun.of(List.of("-H", served.host(), "fig", "-f", compose.file().toString(), "-p", compose.project()), args);
    }

    @Test
    void aFig10StackGoesThroughComposesWholeLifecycle() throws Exception {
        assertThat(compose.ok("up", "-d")).contains("Creating figdc_db_1", "Creating figdc_web_1");

        String ps = compose.ok("ps");
        assertThat(ps).containsPattern("figdc_db_1 .* Up").containsPattern("figdc_web_1 .* Up .*127\\.0\\.0\\.1:\\d+->8080/tcp");
        String web = compose.ok("port", "web", "8080").strip();
        assertThat(read(web)).startsWith("hello from ");
        String stamp = awaitLog("db", "stamp \\d+");
        assertThat(compose.ok("logs", "--tail", "5", "db")).contains("listening");

        // The one-off goes through `docker start --attach`, and reaches db by its container's name.
        ClientProcess.Result oneOff = compose.run("run", "--rm", "web", "bash", "-c",
                "exec 3<>/dev/tcp/figdc_db_1/8080 && cat <&3; exit 7");
        assertThat(oneOff.out()).contains("hello from ");
        assertThat(oneOff.exit()).isEqualTo(7);
        assertThat(projectContainers("figdc")).as("--rm removed the one-off").hasSize(2);

        assertThat(compose.ok("up", "-d", "--force-recreate", "db")).contains("Recreating figdc_db_1");
        assertThat(awaitLog("db", "stamp \\d+")).as("the named volume outlived its container").isEqualTo(stamp);

        compose.ok("up", "-d", "--scale", "web=2");
        String second = compose.ok("port", "--index", "2", "web", "8080").strip();
        assertThat(second).isNotEqualTo(web);
        assertThat(read(second)).startsWith("hello from ");
        assertThat(compose.ok("ps")).contains("figdc_web_2");

        compose.ok("stop");
        assertThat(compose.ok("ps")).containsPattern("figdc_db_1 .* Exit 137").containsPattern("figdc_web_2 .* Exit 137");
        assertThat(compose.ok("rm", "-f")).contains("Removing figdc_web_2", "Removing figdc_db_1");
        assertThat(projectContainers("figdc")).isEmpty();

        compose.ok("up", "-d");
        compose.ok("down", "-v");
        assertThat(projectContainers("figdc")).isEmpty();
        assertThat(docker.listNetworksCmd().exec()).extracting(n -> n.getName()).noneMatch(n -> n.startsWith("figdc"));
        // As on Docker: a version 1 file declares no volumes, so down -v leaves the named one.
        assertThat(docker.inspectVolumeCmd(VOLUME).exec().getName()).isEqualTo(VOLUME);
    }

    @Test
    void figAndComposeSeeEachOthersContainers() throws Exception {
        FigRun up = fig("up", "-d");
        assertThat(up.exit()).as(up.out()).isZero();
        assertThat(compose.ok("ps")).containsPattern("figdc_db_1 .* Up").containsPattern("figdc_web_1 .* Up");
        assertThat(compose.ok("logs", "db")).contains("listening");
        compose.ok("down");
        assertThat(projectContainers("figdc")).isEmpty();

        compose.ok("up", "-d");
        FigRun ps = fig("ps");
        assertThat(ps.out()).containsPattern("figdc_db_1 +running").containsPattern("figdc_web_1 +running");
        assertThat(fig("down", "-v").exit()).isZero();
        assertThat(projectContainers("figdc")).isEmpty();
    }

    /** A Fig 1.0 link's alias resolves in the linking container (HostConfig.Links). */
    @Test
    void aLinkAliasAnswersInComposesContainers() throws Exception {
        compose.ok("up", "-d");
        ClientProcess.Result link = compose.run("run", "--rm", "web", "bash", "-c",
                "for i in $(seq 50); do exec 3<>/dev/tcp/database/8080 && cat <&3 && exit; sleep 0.1; done; exit 1");
        assertThat(link.out()).contains("hello from ");
        assertThat(link.exit()).isZero();
    }

    @Test
    void theShopsFigYmlComesUpAndGoesDownThroughCompose() throws Exception {
        // The passwords fig generates for the stack, read by docker-compose from the same file.
        Map<String, String> secrets = Map.of("SHOP_SECRETS_DIR", DIR.resolve("secrets").toString());
        Path secretsFile = FigFile.loadGeneratingSecrets(SHOP_FIG_YML, "figdcshop", List.of(), secrets).secretsFile();
        DockerCompose shop = new DockerCompose(served.host(), SHOP_FIG_YML, "figdcshop", DIR.resolve("docker-config"), secretsFile);
        assertThat(shop.ok("config", "--services").lines()).contains("registry", "postgres", "rabbitmq", "gateway", "catalog");
        assertPortFree(5000);
        try {
            shop.ok("build", "registry", "postgres");
            assertThat(shop.ok("up", "-d", "registry", "postgres")).contains("Creating figdcshop_registry_1",
                    "Creating figdcshop_postgres_1");
            assertThat(shop.ok("ps")).containsPattern("figdcshop_postgres_1 .* Up").containsPattern("figdcshop_registry_1 .* Up");
            awaitLogOf(shop, "postgres", "database system is ready to accept connections");
            awaitLogOf(shop, "registry", "listening on");
            assertThat(read("127.0.0.1:5000", "GET /v2/ HTTP/1.0\r\n\r\n")).as("anonymous").startsWith("HTTP/1.0 401");
            String account = Base64.getEncoder().encodeToString(("shop:" + EnvFiles.parse(secretsFile).get("REGISTRY_PASSWORD"))
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(read("127.0.0.1:5000", "GET /v2/ HTTP/1.0\r\nAuthorization: Basic " + account + "\r\n\r\n"))
                    .as("the stack's account").startsWith("HTTP/1.0 200");

            ClientProcess.Result psql = shop.run("run", "--rm", "postgres", "psql", "--version");
            assertThat(psql.out()).contains("psql (PostgreSQL) 15");
            assertThat(psql.exit()).isZero();

            shop.ok("stop");
            assertThat(shop.ok("rm", "-f")).contains("Removing figdcshop_postgres_1", "Removing figdcshop_registry_1");
            assertThat(projectContainers("figdcshop")).isEmpty();
        } finally {
            shop.ok("down", "-v");
        }
        assertThat(docker.listNetworksCmd().exec()).extracting(n -> n.getName()).noneMatch(n -> n.startsWith("figdcshop"));
        assertThat(docker.listVolumesCmd().exec().getVolumes()).extracting(v -> v.getName()).noneMatch(n -> n.startsWith("figdcshop"));
    }

    private static List<Container> projectContainers(String project) {
        return docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(ComposeLabels.PROJECT, project)).exec();
    }

    /** The first match of {@code pattern} in the service's logs, waiting for it up to 20 s. */
    private static String awaitLog(String service, String pattern) throws Exception {
        return awaitLogOf(compose, service, pattern);
    }

    private static String awaitLogOf(DockerCompose stack, String service, String pattern) throws Exception {
        Pattern wanted = Pattern.compile(pattern);
        long deadline = System.currentTimeMillis() + 20_000;
        while (true) {
            String logs = stack.ok("logs", service);
            Matcher m = wanted.matcher(logs);
            if (m.find()) {
                return m.group();
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(service + " never logged " + pattern + ":\n" + logs);
            }
            Thread.sleep(200);
        }
    }

    private static void assertPortFree(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress("127.0.0.1", port));
        } catch (IOException e) {
            throw new AssertionError("127.0.0.1:" + port + " is taken; the shop's registry publishes it: " + e.getMessage());
        }
    }

    private static String read(String address) throws IOException {
        return read(address, "");
    }

    /** Sends the request (if any) to a loopback address and reads the answer to its end. */
    private static String read(String address, String request) throws IOException {
        String[] hostPort = address.split(":");
        try (Socket s = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
