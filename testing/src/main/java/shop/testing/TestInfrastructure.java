package shop.testing;

import java.util.Locale;

import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.rabbitmq.RabbitMQContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Where this test JVM's PostgreSQL and RabbitMQ run, chosen once and printed once
 * ({@code [test-infra] ...}), so every test report says which ran.
 *
 * <p>By default ({@code SHOP_TEST_INFRA=engine}) they are containers that Testcontainers starts on
 * the engine {@code DOCKER_HOST} names (scripts/test-all.sh starts the bundled one): one
 * PostgreSQL and one RabbitMQ per test JVM, each started on first use, from the project's own
 * images as compatible substitutes for Docker Hub's ({@code SHOP_TEST_POSTGRES_IMAGE},
 * {@code SHOP_TEST_RABBITMQ_IMAGE}), with Ryuk on to remove them when the JVM is gone. With
 * {@code SHOP_TEST_INFRA=local} they are the servers already running on this machine
 * (127.0.0.1:5432 with trust auth, 127.0.0.1:5672 as guest). A missing engine is an error, never
 * a silent fall back to the local servers.
 */
public final class TestInfrastructure {

    /** Which servers the tests use. */
    public enum Kind { ENGINE, LOCAL }

    private static final String DEFAULT_POSTGRES_IMAGE = "localhost:5000/shop/postgres:15";
    private static final String DEFAULT_RABBITMQ_IMAGE = "localhost:5000/shop/rabbitmq:3";

    private static Kind kind;
    private static PostgreSQLContainer postgres;
    private static RabbitMQContainer rabbitmq;

    private TestInfrastructure() {
    }

    public static synchronized Kind kind() {
        if (kind == null) {
            String chosen = System.getenv().getOrDefault("SHOP_TEST_INFRA", "engine");
            kind = switch (chosen.toLowerCase(Locale.ROOT)) {
                case "engine" -> Kind.ENGINE;
                case "local" -> Kind.LOCAL;
                default -> throw new IllegalStateException("SHOP_TEST_INFRA must be engine or local, not \"" + chosen + "\"");
            };
            if (kind == Kind.ENGINE) {
                requireEngine();
            }
            System.out.println("[test-infra] " + (kind == Kind.ENGINE
                    ? "PostgreSQL and RabbitMQ in containers on the engine at " + System.getenv("DOCKER_HOST")
                    : "PostgreSQL and RabbitMQ of this machine (127.0.0.1:5432, 127.0.0.1:5672)"));
        }
        return kind;
    }

    /** What Testcontainers needs here, checked up front so a missing piece says how to get it. */
    private static void requireEngine() {
        String fix = " (scripts/test-all.sh starts the bundled engine and builds the images; "
                + "SHOP_TEST_INFRA=local uses this machine's PostgreSQL and RabbitMQ instead)";
        String host = System.getenv("DOCKER_HOST");
        if (host == null || host.isBlank()) {
            throw new IllegalStateException("SHOP_TEST_INFRA=engine needs DOCKER_HOST naming a container engine" + fix);
        }
        boolean ryukOff = "true".equalsIgnoreCase(System.getenv("TESTCONTAINERS_RYUK_DISABLED"));
        if (!ryukOff && System.getenv("TESTCONTAINERS_RYUK_CONTAINER_IMAGE") == null) {
            throw new IllegalStateException("SHOP_TEST_INFRA=engine needs TESTCONTAINERS_RYUK_CONTAINER_IMAGE, the reaper "
                    + "image (this machine reaches no Docker Hub)" + fix);
        }
    }

    /** The JVM's PostgreSQL container, started on first use; its user may create databases. */
    public static synchronized PostgreSQLContainer postgres() {
        requireKind(Kind.ENGINE);
        if (postgres == null) {
            String image = System.getenv().getOrDefault("SHOP_TEST_POSTGRES_IMAGE", DEFAULT_POSTGRES_IMAGE);
            PostgreSQLContainer container = new PostgreSQLContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("postgres"))
                    // Cached Spring contexts keep their pools open: room for all of a module's test classes.
                    .withCommand("postgres", "-c", "fsync=off", "-c", "max_connections=300");
            container.start();
            System.out.println("[test-infra] PostgreSQL " + image + " at " + container.getHost() + ":" + container.getFirstMappedPort());
            postgres = container;
        }
        return postgres;
    }

    /** The JVM's RabbitMQ container, started on first use; its user is guest. */
    public static synchronized RabbitMQContainer rabbitmq() {
        requireKind(Kind.ENGINE);
        if (rabbitmq == null) {
            String image = System.getenv().getOrDefault("SHOP_TEST_RABBITMQ_IMAGE", DEFAULT_RABBITMQ_IMAGE);
            RabbitMQContainer container = new RabbitMQContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("rabbitmq"));
            container.start();
            System.out.println("[test-infra] RabbitMQ " + image + " at " + container.getHost() + ":" + container.getAmqpPort());
            rabbitmq = container;
        }
        return rabbitmq;
    }

    private static void requireKind(Kind wanted) {
        if (kind() != wanted) {
            throw new IllegalStateException("the test infrastructure is " + kind() + ", not " + wanted);
        }
    }
}
