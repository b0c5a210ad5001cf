package shop.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.HealthCheck;
import com.rabbitmq.client.ConnectionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.FixedHostPortGenericContainer;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.rabbitmq.RabbitMQContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * What a Spring team uses of Testcontainers, run against the engine DOCKER_HOST names (the bundled
 * one under scripts/test-all.sh), with Ryuk on: GenericContainer's copies, ports, waits, execs,
 * binds, tmpfs, extra hosts, networks with aliases and reuse; the PostgreSQL and RabbitMQ modules
 * on the project's own images; and Ryuk removing what a session that died left behind.
 */
class TestcontainersOnTheEngineTest {

    static final DockerImageName DEBIAN = DockerImageName.parse("debian:bookworm-slim");
    /** A one-line HTTP server in the Debian base's perl: 200 "hello" to every request on port 8080. */
    static final String HTTP_SERVER = "exec perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new(LocalPort => 8080, "
            + "Listen => 5, ReuseAddr => 1) or die $!; $| = 1; print \"serving\\n\"; while ($c = $s->accept) { <$c>; "
            + "print $c \"HTTP/1.0 200 OK\\r\\nContent-Length: 6\\r\\n\\r\\nhello\\n\"; close $c }'";

    @BeforeAll
    static void onTheEngine() {
        assumeTrue(TestInfrastructure.kind() == TestInfrastructure.Kind.ENGINE,
                "runs where the tests' containers do: on the engine (SHOP_TEST_INFRA=engine)");
    }

    @Test
    void copiesFilesInBeforeTheStartAndOutAfterItAndExecsTellTheirExitCodes() throws Exception {
        try (GenericContainer<?> box = new GenericContainer<>(DEBIAN)
                .withCopyToContainer(Transferable.of("copied before the start\n"), "/opt/app/greeting.txt")
                .withCommand("sh", "-c", "cat /opt/app/greeting.txt; exec sleep 600")
                .waitingFor(Wait.forLogMessage(".*copied before the start.*", 1))) {
            box.start();
            box.copyFileToContainer(Transferable.of("copied after\n"), "/tmp/later.txt");
            assertThat(box.execInContainer("cat", "/tmp/later.txt").getStdout()).isEqualTo("copied after\n");
            var failed = box.execInContainer("sh", "-c", "echo to-stderr >&2; exit 3");
            assertThat(failed.getExitCode()).isEqualTo(3);
            assertThat(failed.getStderr()).isEqualTo("to-stderr\n");
            String copiedOut = box.copyFileFromContainer("/opt/app/greeting.txt",
                    in -> new String(in.readAllBytes(), StandardCharsets.UTF_8));
            assertThat(copiedOut).isEqualTo("copied before the start\n");
        }
    }

    @Test
    void exposedAndFixedPortsAnswerOnceThePortAndHttpWaitsPass() throws Exception {
        int fixed = freePort();
        try (GenericContainer<?> random = new GenericContainer<>(DEBIAN).withCommand("bash", "-c", HTTP_SERVER)
                .withExposedPorts(8080).waitingFor(Wait.forHttp("/").forStatusCode(200));
             FixedHostPortGenericContainer<?> pinned = new FixedHostPortGenericContainer<>(DEBIAN.asCanonicalNameString())
                     .withFixedExposedPort(fixed, 8080).withCommand("bash", "-c", HTTP_SERVER)
                     .waitingFor(Wait.forListeningPort())) {
            random.start();
            pinned.start();
            assertThat(get("http://" + random.getHost() + ":" + random.getMappedPort(8080) + "/")).isEqualTo("hello\n");
            assertThat(pinned.getMappedPort(8080)).isEqualTo(fixed);
            assertThat(get("http://" + pinned.getHost() + ":" + fixed + "/")).isEqualTo("hello\n");
        }
    }

    @Test
    void aHealthcheckWaitBindsTmpfsAndExtraHostsWork(@TempDir Path host) throws Exception {
        Files.writeString(host.resolve("from-host.txt"), "bound\n");
        try (GenericContainer<?> box = new GenericContainer<>(DEBIAN)
                .withCommand("sh", "-c", "sleep 1; touch /tmp/ready; exec sleep 600")
                .withCreateContainerCmdModifier(cmd -> cmd.withHealthcheck(new HealthCheck()
                        .withTest(List.of("CMD", "test", "-f", "/tmp/ready"))
                        .withInterval(Duration.ofMillis(200).toNanos()).withRetries(50)))
                .withFileSystemBind(host.toString(), "/data", BindMode.READ_WRITE)
                .withTmpFs(Map.of("/scratch", "rw,size=16m"))
                .withExtraHost("db.example", "10.1.2.3")
                .waitingFor(Wait.forHealthcheck())) {
            box.start();
            assertThat(box.execInContainer("cat", "/data/from-host.txt").getStdout()).isEqualTo("bound\n");
            box.execInContainer("sh", "-c", "echo written > /data/from-container.txt");
            assertThat(Files.readString(host.resolve("from-container.txt"))).isEqualTo("written\n");
            assertThat(box.execInContainer("stat", "-f", "-c", "%T", "/scratch").getStdout().strip()).isEqualTo("tmpfs");
            assertThat(box.execInContainer("getent", "hosts", "db.example").getStdout()).startsWith("10.1.2.3");
        }
    }

    @Test
    void containersOnANetworkReachEachOtherByAlias() throws Exception {
        try (Network network = Network.newNetwork();
             GenericContainer<?> server = new GenericContainer<>(DEBIAN).withNetwork(network).withNetworkAliases("web")
                     .withCommand("bash", "-c", HTTP_SERVER).waitingFor(Wait.forLogMessage("serving\\n", 1));
             GenericContainer<?> client = new GenericContainer<>(DEBIAN).withNetwork(network)
                     .withCommand("sleep", "600")) {
            server.start();
            client.start();
            var answer = client.execInContainer("bash", "-c",
                    "exec 3<>/dev/tcp/web/8080 && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3");
            assertThat(answer.getStdout()).endsWith("hello\n");
        }
    }

    @Test
    void aReusableContainerIsFoundAgainBySecondStart() {
        String marker = UUID.randomUUID().toString();
        GenericContainer<?> first = new GenericContainer<>(DEBIAN).withCommand("sh", "-c", "echo " + marker + "; sleep 600")
                .withReuse(true).waitingFor(Wait.forLogMessage(".*" + marker + ".*", 1));
        GenericContainer<?> second = new GenericContainer<>(DEBIAN).withCommand("sh", "-c", "echo " + marker + "; sleep 600")
                .withReuse(true).waitingFor(Wait.forLogMessage(".*" + marker + ".*", 1));
        try {
            first.start();
            second.start();
            assertThat(second.getContainerId()).isEqualTo(first.getContainerId());
        } finally {
            // Reused containers outlive their session on purpose (Ryuk leaves them): remove this one.
            DockerClientFactory.instance().client().removeContainerCmd(first.getContainerId()).withForce(true).exec();
        }
    }

    @Test
    void thePostgresqlModuleRunsOnTheProjectsImage() throws Exception {
        try (PostgreSQLContainer postgres = new PostgreSQLContainer(
                DockerImageName.parse(System.getenv().getOrDefault("SHOP_TEST_POSTGRES_IMAGE", "localhost:5000/shop/postgres:15"))
                        .asCompatibleSubstituteFor("postgres"))) {
            postgres.start();
            try (Connection connection = DriverManager.getConnection(postgres.getJdbcUrl(), postgres.getUsername(),
                    postgres.getPassword());
                 ResultSet rs = connection.createStatement().executeQuery("select current_user, 40 + 2")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(postgres.getUsername());
                assertThat(rs.getInt(2)).isEqualTo(42);
            }
        }
    }

    @Test
    void theRabbitmqModuleRunsOnTheProjectsImage() throws Exception {
        try (RabbitMQContainer rabbit = new RabbitMQContainer(
                DockerImageName.parse(System.getenv().getOrDefault("SHOP_TEST_RABBITMQ_IMAGE", "localhost:5000/shop/rabbitmq:3"))
                        .asCompatibleSubstituteFor("rabbitmq"))) {
            rabbit.start();
            ConnectionFactory factory = new ConnectionFactory();
            factory.setUri(rabbit.getAmqpUrl());
            factory.setUsername(rabbit.getAdminUsername());
            factory.setPassword(rabbit.getAdminPassword());
            try (var connection = factory.newConnection(); var channel = connection.createChannel()) {
                String queue = channel.queueDeclare().getQueue();
                channel.basicPublish("", queue, null, "ping".getBytes(StandardCharsets.UTF_8));
                var message = channel.basicGet(queue, true);
                assertThat(new String(message.getBody(), StandardCharsets.UTF_8)).isEqualTo("ping");
            }
        }
    }

    /**
     * A session that dies without stopping its container: its Ryuk, once the session's connection is
     * gone for the reconnection timeout, removes the container (the child JVM is that session).
     */
    @Test
    void ryukRemovesWhatADeadSessionLeftBehind() throws Exception {
        String label = "shop.testing.orphan=" + UUID.randomUUID();
        Process session = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), OrphaningSession.class.getName(), label)
                .redirectErrorStream(true).start();
        String output = new String(session.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(session.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(session.exitValue()).as(output).isZero();
        DockerClient docker = DockerClientFactory.instance().client();
        assertThat(docker.listContainersCmd().withShowAll(true).withLabelFilter(List.of(label)).exec())
                .as("the orphan exists while its Ryuk waits for the session to come back").isNotEmpty();
        long deadline = System.currentTimeMillis() + 60_000;
        while (!docker.listContainersCmd().withShowAll(true).withLabelFilter(List.of(label)).exec().isEmpty()
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
        }
        assertThat(docker.listContainersCmd().withShowAll(true).withLabelFilter(List.of(label)).exec()).isEmpty();
    }

    /** The child JVM of {@link #ryukRemovesWhatADeadSessionLeftBehind}: starts a container and exits without stopping it. */
    public static final class OrphaningSession {
        public static void main(String[] args) {
            String[] label = args[0].split("=", 2);
            GenericContainer<?> orphan = new GenericContainer<>(DEBIAN).withCommand("sleep", "600").withLabel(label[0], label[1]);
            orphan.start();
            System.out.println("left " + orphan.getContainerId());
            Runtime.getRuntime().halt(0);
        }
    }

    private static String get(String url) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
