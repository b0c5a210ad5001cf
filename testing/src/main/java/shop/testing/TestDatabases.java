package shop.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Gives each test class a fresh, empty PostgreSQL database on a real server.
 *
 * <p>The server is chosen once per JVM: a Testcontainers PostgreSQL when a Docker API answers
 * (Docker, Podman, or our own engine), otherwise the PostgreSQL already running on this machine
 * (127.0.0.1:5432, trust auth). {@code SHOP_TEST_DATABASE=local|testcontainers} forces one.
 * The choice is printed once, so the test report says which server ran.
 *
 * <p>Databases are dropped when the JVM exits. Spring tests get theirs with {@link FreshDatabase}.
 */
public final class TestDatabases {

    /** Where a fresh database lives and how to log in to it. */
    public record TestDatabase(String jdbcUrl, String username, String password, String name) {
    }

    private record Server(String adminUrl, String username, String password, String description) {
        String urlOf(String database) {
            return adminUrl.substring(0, adminUrl.lastIndexOf('/') + 1) + database;
        }
    }

    private static Server server;

    private TestDatabases() {
    }

    /** Creates an empty database whose name starts with the given purpose. */
    public static synchronized TestDatabase create(String purpose) {
        Server target = server();
        String name = ("t_" + purpose.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "") + "_"
                + UUID.randomUUID().toString().substring(0, 8));
        execute(target, "CREATE DATABASE " + name);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> dropQuietly(target, name)));
        return new TestDatabase(target.urlOf(name), target.username(), target.password(), name);
    }

    private static Server server() {
        if (server == null) {
            server = chooseServer();
            System.out.println("[test-database] PostgreSQL for this run: " + server.description());
        }
        return server;
    }

    private static Server chooseServer() {
        String forced = System.getenv().getOrDefault("SHOP_TEST_DATABASE", "");
        boolean useContainer = switch (forced) {
            case "local" -> false;
            case "testcontainers" -> true;
            case "" -> DockerClientFactory.instance().isDockerAvailable();
            default -> throw new IllegalArgumentException(
                    "SHOP_TEST_DATABASE must be local or testcontainers, not " + forced);
        };
        return useContainer ? startContainer() : localServer();
    }

    private static Server localServer() {
        String host = System.getenv().getOrDefault("POSTGRES_HOST", "127.0.0.1");
        String port = System.getenv().getOrDefault("POSTGRES_PORT", "5432");
        return new Server("jdbc:postgresql://" + host + ":" + port + "/postgres", "postgres", "",
                "local server at " + host + ":" + port + " (no Docker API reachable)");
    }

    private static Server startContainer() {
        String image = System.getenv().getOrDefault("SHOP_TEST_POSTGRES_IMAGE", "postgres:15");
        PostgreSQLContainer container = new PostgreSQLContainer(
                DockerImageName.parse(image).asCompatibleSubstituteFor("postgres"));
        container.start();
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
        return new Server(container.getJdbcUrl(), container.getUsername(), container.getPassword(),
                "Testcontainers " + image + " at " + container.getHost() + ":"
                        + container.getFirstMappedPort());
    }

    private static void execute(Server target, String sql) {
        try (Connection connection = DriverManager.getConnection(
                target.adminUrl(), target.username(), target.password());
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " on " + target.description() + ": " + e.getMessage(), e);
        }
    }

    private static void dropQuietly(Server target, String name) {
        try {
            execute(target, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (IllegalStateException e) {
            System.err.println("[test-database] could not drop " + name + ": " + e.getMessage());
        }
    }
}
