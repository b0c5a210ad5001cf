import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import com.rabbitmq.client.ConnectionFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.rabbitmq.RabbitMQContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Testcontainers' start-up on whatever engine DOCKER_HOST names (bench/testcontainers runs it
 * once against the shop's engine and once against Podman, in Podman's network namespace).
 *
 * <p>Times {@code start()} until it returns, that is until the container's wait strategy passed:
 * a GenericContainer of debian:bookworm-slim with a log wait, the PostgreSQL module (its log wait,
 * then a JDBC connection and test query) and the RabbitMQ module (its log wait), from the shop's
 * images as compatible substitutes, configured as shop.testing.TestInfrastructure does. Each
 * container is then checked outside the timing (a query; an AMQP connection as guest) and stopped
 * and removed ({@code stop()}: kill, remove with its volumes), also timed, apart. First one
 * untimed round of each (the client's set-up, the engine's first container, the JIT), then RUNS
 * rounds of the three in turn. Every container carries the label {@code shop.bench=<RUN_ID>}, so
 * the script can find any that a crash left; at the end the program lists the engine's containers
 * with that label and the volumes its containers had, and says how many are left (none expected).
 *
 * <p>Usage: java -cp <testing's classpath> TestcontainersStart.java LABEL
 * Environment: RUNS (default 5), RUN_ID, SHOP_TEST_POSTGRES_IMAGE, SHOP_TEST_RABBITMQ_IMAGE, and
 * Testcontainers' own (DOCKER_HOST, TESTCONTAINERS_HOST_OVERRIDE, TESTCONTAINERS_RYUK_DISABLED).
 * Output: lines "client MS", "run KIND START_MS STOP_MS" and "left CONTAINERS VOLUMES", for the
 * script; progress on stderr.
 */
public class TestcontainersStart {

    static final String RUN_ID = System.getenv().getOrDefault("RUN_ID", "manual");
    static final String POSTGRES_IMAGE = System.getenv().getOrDefault("SHOP_TEST_POSTGRES_IMAGE", "localhost:5000/shop/postgres:15");
    static final String RABBITMQ_IMAGE = System.getenv().getOrDefault("SHOP_TEST_RABBITMQ_IMAGE", "localhost:5000/shop/rabbitmq:3");

    /** One kind of container: how to make it, and how to check it answers once started. */
    record Kind(String name, Supplier<GenericContainer<?>> make, Check check) {
    }

    interface Check {
        void verify(GenericContainer<?> started) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        String label = args.length > 0 ? args[0] : "engine";
        int runs = Integer.parseInt(System.getenv().getOrDefault("RUNS", "5"));
        List<Kind> kinds = List.of(
                new Kind("debian", () -> new GenericContainer<>(DockerImageName.parse("debian:bookworm-slim"))
                        .withCommand("sh", "-c", "echo ready; exec sleep 600")
                        .waitingFor(Wait.forLogMessage(".*ready.*\\s", 1)), c -> { }),
                new Kind("postgres", () -> new PostgreSQLContainer(DockerImageName.parse(POSTGRES_IMAGE).asCompatibleSubstituteFor("postgres"))
                        .withCommand("postgres", "-c", "fsync=off", "-c", "max_connections=300"), TestcontainersStart::query),
                new Kind("rabbitmq", () -> new RabbitMQContainer(DockerImageName.parse(RABBITMQ_IMAGE).asCompatibleSubstituteFor("rabbitmq")),
                        TestcontainersStart::amqp));

        long t0 = System.nanoTime();
        DockerClient client = DockerClientFactory.instance().client();
        double clientMs = (System.nanoTime() - t0) / 1e6;
        System.out.printf("client %.1f%n", clientMs);
        System.err.printf("[%s] %s: Testcontainers %s, API %s, %s %s; client ready in %.0f ms%n", label,
                System.getenv("DOCKER_HOST"), DockerClientFactory.TESTCONTAINERS_VERSION,
                DockerClientFactory.instance().getActiveApiVersion(), DockerClientFactory.instance().getInfo().getName(),
                DockerClientFactory.instance().getInfo().getServerVersion(), clientMs);

        List<String> volumes = new ArrayList<>();
        for (Kind kind : kinds) {
            double[] t = once(kind, volumes);
            System.err.printf("[%s] warm-up %-8s start %7.0f ms, stop+remove %6.0f ms%n", label, kind.name(), t[0], t[1]);
        }
        Map<String, List<double[]>> times = new LinkedHashMap<>();
        for (int run = 1; run <= runs; run++) {
            for (Kind kind : kinds) {
                double[] t = once(kind, volumes);
                times.computeIfAbsent(kind.name(), k -> new ArrayList<>()).add(t);
                System.out.printf("run %s %.1f %.1f%n", kind.name(), t[0], t[1]);
                System.err.printf("[%s] run %d %-8s start %7.0f ms, stop+remove %6.0f ms%n", label, run, kind.name(), t[0], t[1]);
            }
        }
        System.out.flush();

        List<Container> left = client.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of("shop.bench", RUN_ID)).exec().stream()
                .filter(c -> c.getLabels() != null && RUN_ID.equals(c.getLabels().get("shop.bench"))).toList();
        List<String> allVolumes = new ArrayList<>();
        var listed = client.listVolumesCmd().exec().getVolumes();
        if (listed != null) {
            listed.forEach(v -> allVolumes.add(v.getName()));
        }
        long volumesLeft = volumes.stream().filter(allVolumes::contains).count();
        System.out.printf("left %d %d%n", left.size(), volumesLeft);
        System.err.printf("[%s] left behind: %d containers, %d of the %d volumes they had%n", label, left.size(), volumesLeft, volumes.size());
        for (Container c : left) {
            System.err.printf("[%s]   left: %s %s %s%n", label, c.getId(), c.getImage(), c.getStatus());
        }
    }

    /** One container: start (timed), check, stop and remove (timed apart). Returns {start ms, stop ms}. */
    static double[] once(Kind kind, List<String> volumes) throws Exception {
        GenericContainer<?> container = kind.make().get().withLabel("shop.bench", RUN_ID);
        double startMs;
        long t1;
        try {
            long t0 = System.nanoTime();
            container.start();
            startMs = (System.nanoTime() - t0) / 1e6;
            kind.check().verify(container);
            InspectContainerResponse info = container.getContainerInfo();
            if (info.getMounts() != null) {
                info.getMounts().stream().filter(m -> m.getName() != null).forEach(m -> volumes.add(m.getName()));
            }
        } finally {
            t1 = System.nanoTime();
            container.stop();
        }
        return new double[] {startMs, (System.nanoTime() - t1) / 1e6};
    }

    static void query(GenericContainer<?> started) throws Exception {
        PostgreSQLContainer postgres = (PostgreSQLContainer) started;
        try (Connection connection = postgres.createConnection("");
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("select version()")) {
            if (!rs.next() || !rs.getString(1).startsWith("PostgreSQL")) {
                throw new IllegalStateException("PostgreSQL answered no version");
            }
        }
    }

    static void amqp(GenericContainer<?> started) throws Exception {
        RabbitMQContainer rabbit = (RabbitMQContainer) started;
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(rabbit.getHost());
        factory.setPort(rabbit.getAmqpPort());
        factory.setUsername(rabbit.getAdminUsername());
        factory.setPassword(rabbit.getAdminPassword());
        try (com.rabbitmq.client.Connection connection = factory.newConnection("bench-testcontainers")) {
            if (!connection.isOpen() || connection.getServerProperties().get("version") == null) {
                throw new IllegalStateException("RabbitMQ did not open the connection");
            }
        }
    }
}
