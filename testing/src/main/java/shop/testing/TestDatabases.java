package shop.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Gives each test class a fresh, empty PostgreSQL database on a real server: the JVM's
 * PostgreSQL container, or this machine's server (see {@link TestInfrastructure}).
 *
 * <p>Databases are dropped when the JVM exits (a container goes with its databases). Spring tests
 * get theirs with {@link FreshDatabase}.
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
        if (TestInfrastructure.kind() == TestInfrastructure.Kind.LOCAL) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> dropQuietly(target, name)));
        }
        return new TestDatabase(target.urlOf(name), target.username(), target.password(), name);
    }

    private static Server server() {
        if (server == null) {
            server = TestInfrastructure.kind() == TestInfrastructure.Kind.ENGINE ? containerServer() : localServer();
        }
        return server;
    }

    private static Server localServer() {
        String host = System.getenv().getOrDefault("POSTGRES_HOST", "127.0.0.1");
        String port = System.getenv().getOrDefault("POSTGRES_PORT", "5432");
        return new Server("jdbc:postgresql://" + host + ":" + port + "/postgres", "postgres", "",
                "local server at " + host + ":" + port);
    }

    private static Server containerServer() {
        PostgreSQLContainer container = TestInfrastructure.postgres();
        return new Server(container.getJdbcUrl(), container.getUsername(), container.getPassword(),
                "container at " + container.getHost() + ":" + container.getFirstMappedPort());
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
