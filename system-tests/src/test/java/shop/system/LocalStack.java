package shop.system;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import shop.testing.TestDatabases;
import shop.testing.TestDatabases.TestDatabase;

/**
 * Eureka, the gateway, the catalog and profiles as real processes on free loopback ports, each
 * service on a fresh database. Started once per test JVM and shared by the system tests; stopped
 * when the JVM exits.
 */
final class LocalStack {

    static final String ADMIN_EMAIL = "admin@shop.test";
    static final String ADMIN_PASSWORD = "system-test-admin";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static LocalStack shared;

    final int discoveryPort = ServiceProcess.freePort();
    final int catalogPort = ServiceProcess.freePort();
    final int catalogGrpcPort = ServiceProcess.freePort();
    final int profilesPort = ServiceProcess.freePort();
    final int profilesGrpcPort = ServiceProcess.freePort();
    final int gatewayPort = ServiceProcess.freePort();
    final ServiceProcess discovery;
    final ServiceProcess catalog;
    final ServiceProcess profiles;
    final ServiceProcess gateway;

    private LocalStack() {
        String eureka = "http://127.0.0.1:" + discoveryPort + "/eureka/";
        TestDatabase catalogDatabase = TestDatabases.create("catalogsystem");
        TestDatabase profilesDatabase = TestDatabases.create("profilessystem");
        discovery = new ServiceProcess("discovery", jar("discovery", "discovery"),
                Map.of("PORT", String.valueOf(discoveryPort)));
        catalog = new ServiceProcess("catalog", jar("services/catalog", "catalog"), Map.of(
                "PORT", String.valueOf(catalogPort),
                "GRPC_PORT", String.valueOf(catalogGrpcPort),
                "EUREKA_URL", eureka,
                "SPRING_DATASOURCE_URL", catalogDatabase.jdbcUrl(),
                "SPRING_DATASOURCE_USERNAME", catalogDatabase.username(),
                "SPRING_DATASOURCE_PASSWORD", catalogDatabase.password()));
        profiles = new ServiceProcess("profiles", jar("services/profiles", "profiles"), Map.of(
                "PORT", String.valueOf(profilesPort),
                "GRPC_PORT", String.valueOf(profilesGrpcPort),
                "EUREKA_URL", eureka,
                "SHOP_ADMIN_EMAIL", ADMIN_EMAIL,
                "SHOP_ADMIN_PASSWORD", ADMIN_PASSWORD,
                "SPRING_DATASOURCE_URL", profilesDatabase.jdbcUrl(),
                "SPRING_DATASOURCE_USERNAME", profilesDatabase.username(),
                "SPRING_DATASOURCE_PASSWORD", profilesDatabase.password()));
        gateway = new ServiceProcess("gateway", jar("gateway", "gateway"), Map.of(
                "PORT", String.valueOf(gatewayPort),
                "EUREKA_URL", eureka));
    }

    static synchronized LocalStack shared() {
        if (shared == null) {
            LocalStack stack = new LocalStack();
            Runtime.getRuntime().addShutdownHook(new Thread(stack::stop));
            stack.start();
            shared = stack;
        }
        return shared;
    }

    String gatewayUrl() {
        return "http://127.0.0.1:" + gatewayPort;
    }

    String catalogUrl() {
        return "http://127.0.0.1:" + catalogPort;
    }

    private void start() {
        List.of(discovery, catalog, profiles, gateway).forEach(ServiceProcess::start);
        discovery.awaitOk("http://127.0.0.1:" + discoveryPort + "/actuator/health", START_TIMEOUT);
        catalog.awaitOk(catalogUrl() + "/actuator/health", START_TIMEOUT);
        profiles.awaitOk("http://127.0.0.1:" + profilesPort + "/actuator/health", START_TIMEOUT);
        gateway.awaitOk(gatewayUrl() + "/actuator/health", START_TIMEOUT);
        awaitCatalogRouted();
        // Until profiles is routed the gateway's fallback answers 503; profiles itself says 401.
        gateway.awaitStatus(gatewayUrl() + "/api/profiles/me", 401, START_TIMEOUT);
    }

    /** The gateway answers 503 until it has fetched the catalog's registration from Eureka. */
    void awaitCatalogRouted() {
        gateway.awaitOk(gatewayUrl() + "/api/catalog/products?size=1", START_TIMEOUT);
    }

    void restartCatalog() {
        catalog.stop();
        catalog.start();
        catalog.awaitOk(catalogUrl() + "/actuator/health", START_TIMEOUT);
        awaitCatalogRouted();
    }

    private void stop() {
        List.of(gateway, profiles, catalog, discovery).forEach(ServiceProcess::stop);
    }

    private static Path jar(String module, String name) {
        return Path.of("..", module, "target", name + ".jar");
    }
}
