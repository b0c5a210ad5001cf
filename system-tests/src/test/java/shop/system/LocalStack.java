package shop.system;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import shop.testing.TcpProxy;
import shop.testing.TestBrokers;
import shop.testing.TestDatabases;
import shop.testing.TestDatabases.TestDatabase;
import shop.testing.TestIdentities;

/**
 * Eureka, the gateway and every service of services.txt as real processes on free loopback ports,
 * each service on a fresh database and all on a fresh RabbitMQ virtual host, through a proxy that a
 * test can cut. Started once per test JVM and shared by the system tests; stopped when the JVM
 * exits. A test that stops or freezes a service brings it back before it ends.
 */
final class LocalStack {

    static final String ADMIN_EMAIL = "admin@shop.test";
    static final String ADMIN_PASSWORD = "system-test-admin";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static LocalStack shared;

    /** What a test needs of a service that its defaults do not give, by service. */
    private static final Map<String, Map<String, String>> SETTINGS = Map.of(
            // Fast, so a test sees a shipment delivered; still long enough to cancel before dispatch.
            "shipping", Map.of("SHIPMENT_LABEL_CREATED_FOR", "4s", "SHIPMENT_DISPATCHED_FOR", "1s",
                    "SHIPMENT_IN_TRANSIT_FOR", "1s", "SHIPMENT_CHECK_EVERY", "200ms"),
            // A short lease, so the crash test sees an interrupted checkout recovered within seconds.
            // Its relay retries at least every 2 s, so the broker outage test sees it catch up quickly.
            "billing", Map.of("SAGA_LEASE", "10s", "SAGA_RECOVERY_INTERVAL", "1s",
                    "SHOP_EVENTS_OUTBOX_MAXBACKOFF", "2s"),
            "profiles", Map.of("SHOP_ADMIN_EMAIL", ADMIN_EMAIL, "SHOP_ADMIN_PASSWORD", ADMIN_PASSWORD,
                    "SHOP_SIGNING_KEY_SECRET", UUID.randomUUID().toString()));

    final int discoveryPort = ServiceProcess.freePort();
    final int gatewayPort = ServiceProcess.freePort();
    /** Eureka's account for this run: a fresh password, as fig and scripts/run-local.sh generate one. */
    private final String eurekaPassword = UUID.randomUUID().toString();
    final String eureka = "http://eureka:" + eurekaPassword + "@127.0.0.1:" + discoveryPort + "/eureka/";
    /** The stack's own virtual host on the tests' RabbitMQ, reached through a proxy a test can cut. */
    final String rabbitVirtualHost = TestBrokers.createVirtualHost("system");
    final TestBrokers.Broker rabbit = TestBrokers.broker();
    final TcpProxy broker = new TcpProxy(rabbit.host(), rabbit.port());
    /** The tests' PostgreSQL as the services reach it: through a proxy a test can cut (the tests read it directly). */
    TcpProxy postgres;
    final ServiceProcess discovery;
    /** Every service of services.txt, in its order. */
    private final Map<String, Service> services = new LinkedHashMap<>();
    final ServiceProcess gateway;

    /** A domain service: its process, its ports and its database. */
    record Service(ServiceProcess process, int port, int grpcPort, TestDatabase database) {

        String url() {
            return "http://127.0.0.1:" + port;
        }

        void awaitHealthy() {
            process.awaitOk(url() + "/actuator/health", START_TIMEOUT);
        }
    }

    private LocalStack() {
        discovery = new ServiceProcess("discovery", jar("discovery", "discovery"),
                Map.of("PORT", String.valueOf(discoveryPort), "EUREKA_PASSWORD", eurekaPassword));
        for (String name : ServiceList.names()) {
            services.put(name, newService(name, SETTINGS.getOrDefault(name, Map.of())));
        }
        gateway = new ServiceProcess("gateway", jar("gateway", "gateway"), Map.of(
                "PORT", String.valueOf(gatewayPort),
                "EUREKA_URL", eureka));
    }

    private Service newService(String name, Map<String, String> settings) {
        int port = ServiceProcess.freePort();
        int grpcPort = ServiceProcess.freePort();
        TestDatabase database = TestDatabases.create(name + "system");
        Map<String, String> environment = new HashMap<>(settings);
        environment.putAll(Map.of(
                "PORT", String.valueOf(port),
                "GRPC_PORT", String.valueOf(grpcPort),
                "EUREKA_URL", eureka,
                // The tests' own authority, whose certificates the tests' gRPC clients present too.
                "SHOP_PKI_DIR", TestIdentities.directory().toString(),
                "SPRING_DATASOURCE_URL", throughProxy(database.jdbcUrl()),
                "SPRING_DATASOURCE_USERNAME", database.username(),
                "SPRING_DATASOURCE_PASSWORD", database.password(),
                // Eight processes beside the test JVMs: keep well below PostgreSQL's max_connections.
                "SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE", "5"));
        environment.putAll(Map.of(
                "RABBITMQ_PORT", String.valueOf(broker.port()),
                "RABBITMQ_VHOST", rabbitVirtualHost,
                "RABBITMQ_USER", rabbit.username(),
                "RABBITMQ_PASSWORD", rabbit.password()));
        return new Service(new ServiceProcess(name, jar("services/" + name, name), environment), port, grpcPort, database);
    }

    /** The JDBC URL with its server replaced by the proxy in front of it, made on first use. */
    private String throughProxy(String jdbcUrl) {
        Matcher url = Pattern.compile("jdbc:postgresql://([^/:]+):(\\d+)/(.+)").matcher(jdbcUrl);
        if (!url.matches()) {
            throw new IllegalStateException("not a PostgreSQL URL with host and port: " + jdbcUrl);
        }
        if (postgres == null) {
            postgres = new TcpProxy(url.group(1), Integer.parseInt(url.group(2)));
        }
        return "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/" + url.group(3);
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
        return service("catalog").url();
    }

    /** @throws IllegalArgumentException when services.txt has no service of this name */
    Service service(String name) {
        Service service = services.get(name);
        if (service == null) {
            throw new IllegalArgumentException("no service " + name + " in services.txt: " + services.keySet());
        }
        return service;
    }

    private Collection<Service> services() {
        return services.values();
    }

    private void start() {
        discovery.start();
        services().forEach(service -> service.process().start());
        gateway.start();
        discovery.awaitOk("http://127.0.0.1:" + discoveryPort + "/actuator/health", START_TIMEOUT);
        services().forEach(Service::awaitHealthy);
        gateway.awaitOk(gatewayUrl() + "/actuator/health", START_TIMEOUT);
        awaitCatalogRouted();
        // Until a service is routed the gateway's fallback answers 503; these answer 401 without a token.
        for (String path : List.of("/api/profiles/me", "/api/billing/orders")) {
            gateway.awaitStatus(gatewayUrl() + path, 401, START_TIMEOUT);
        }
        gateway.awaitStatus(gatewayUrl() + "/api/inventory/stock/NONE-1", 404, START_TIMEOUT);
        // Services call each other through Eureka too (billing -> payment, ...): wait until every one
        // is registered, then one registry fetch interval (5 s), so each caller knows the others.
        for (Service service : services()) {
            String name = service.process().toString().toUpperCase(Locale.ROOT);
            discovery.awaitOk(eureka + "apps/" + name, START_TIMEOUT);
        }
        try {
            Thread.sleep(Duration.ofSeconds(6).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The gateway answers 503 until it has fetched the catalog's registration from Eureka. */
    void awaitCatalogRouted() {
        gateway.awaitOk(gatewayUrl() + "/api/catalog/products?size=1", START_TIMEOUT);
    }

    void restartCatalog() {
        restart(service("catalog"));
        awaitCatalogRouted();
    }

    /**
     * A second process of the service on the same database and virtual host, started and healthy. It
     * does not register in Eureka, so no request is routed to it and none is lost when it stops, and
     * it reaches RabbitMQ directly, not through the proxy a test cuts. The caller stops it.
     */
    ServiceProcess startReplica(Service service) {
        int port = ServiceProcess.freePort();
        ServiceProcess replica = service.process().another(service.process() + "-replica", Map.of(
                "PORT", String.valueOf(port),
                "GRPC_PORT", String.valueOf(ServiceProcess.freePort()),
                "RABBITMQ_HOST", rabbit.host(),
                "RABBITMQ_PORT", String.valueOf(rabbit.port()),
                "EUREKA_CLIENT_REGISTERWITHEUREKA", "false"));
        replica.start();
        replica.awaitOk("http://127.0.0.1:" + port + "/actuator/health", START_TIMEOUT);
        return replica;
    }

    /** Stops the service and starts it again on the same ports. */
    void restart(Service service) {
        service.process().stop();
        service.process().start();
        service.awaitHealthy();
    }

    /** Stops every process at once: one after another they would outlast the test JVM's exit. */
    private void stop() {
        List<Thread> stopping = new ArrayList<>();
        List<ServiceProcess> processes = new ArrayList<>(List.of(gateway, discovery));
        services().forEach(service -> processes.add(service.process()));
        for (ServiceProcess process : processes) {
            Thread thread = new Thread(process::stop, "stop-" + process);
            thread.start();
            stopping.add(thread);
        }
        for (Thread thread : stopping) {
            try {
                thread.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        broker.close();
        postgres.close();
    }

    private static Path jar(String module, String name) {
        return Path.of("..", module, "target", name + ".jar");
    }
}
