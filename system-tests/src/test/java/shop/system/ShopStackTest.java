package shop.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real shop from the repository's fig.yml, as a user runs it: the engine's packaged jar (the
 * reactor builds container-runtime before this module) runs fig on an engine of its own, with its
 * state under target/ and its images built from Debian packages and the services' jars. Up, a
 * shopper's purchase through the gateway, scale, a deploy under load with no failed request, the
 * metrics Prometheus keeps of it, a release its canary refuses, and down -v leaving no container,
 * network or volume of the project. Uses the stack's fixed host ports (8080, 8761, 5000, 9090), so
 * nothing else may hold them; needs root, as the engine does.
 */
class ShopStackTest {

    static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    static final Path ENGINE_JAR = REPOSITORY.resolve("container-runtime/target/shop-engine.jar");
    static final Path STATE = Path.of("target/shop-stack").toAbsolutePath();
    static final String PROJECT = "shoptest";
    static final String GATEWAY = "http://127.0.0.1:8080";
    /** Where fig keeps the passwords it generates for the stack, here beside the engine's state. */
    static final Path SECRETS = STATE.resolve("secrets");
    /** Apart from the pools of the test daemon (10.89) and of the engine module's tests (10.86). */
    static final String SUBNETS = "10.87.0.0/16";

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final JsonMapper json = JsonMapper.builder().build();

    /** One run of a command line: its exit status, and stdout and stderr together as a terminal shows them. */
    record Run(int exit, String out) {
    }

    /** {@code shop-engine --root STATE fig -f fig.yml -p shoptest <args>}, on this test's engine whatever DOCKER_HOST says. */
    static Run fig(String... args) {
        List<String> command = new ArrayList<>(List.of("java", "-jar", ENGINE_JAR.toString(), "--root", STATE.toString(),
                "fig", "-f", REPOSITORY.resolve("fig.yml").toString(), "-p", PROJECT));
        command.addAll(List.of(args));
        return run(command);
    }

    /** The docker CLI on this test's engine: what a user would look at to see what is left. */
    static Run docker(String... args) {
        List<String> command = new ArrayList<>(List.of("docker", "-H", "unix://" + STATE.resolve("engine.sock")));
        command.addAll(List.of(args));
        return run(command);
    }

    private static Run run(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("DOCKER_HOST");
        builder.environment().put("SHOP_ENGINE_SUBNETS", SUBNETS);
        builder.environment().put("SHOP_SECRETS_DIR", SECRETS.toString());
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            return new Run(process.exitValue(), out);
        } catch (IOException e) {
            throw new IllegalStateException("run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("run " + command, e);
        }
    }

    @AfterAll
    static void takeDownAndStopTheEngine() throws Exception {
        fig("down", "-v");
        Path pid = STATE.resolve("engine.pid");
        if (Files.exists(pid)) {
            ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).ifPresent(engine -> {
                engine.destroy();
                engine.onExit().join();
            });
        }
    }

    @Test
    void theShopComesUpSellsScalesDeploysWithoutAFailedRequestAndGoesAway() throws Exception {
        assertThat(ENGINE_JAR).as("package the engine first (./mvnw package -DskipTests)").exists();
        List<String> modules = new ArrayList<>(List.of("discovery", "gateway"));
        ServiceList.names().forEach(service -> modules.add("services/" + service));
        for (String module : modules) {
            Path jar = REPOSITORY.resolve(module).resolve("target").resolve(Path.of(module).getFileName() + ".jar");
            assertThat(jar).as("package the services first (./mvnw package -DskipTests)").exists();
        }

        // A fresh stack, as on a new machine: fig generates its passwords on this up.
        if (Files.exists(SECRETS)) {
            try (Stream<Path> files = Files.walk(SECRETS)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
        Run up = fig("up", "-d");
        assertThat(up.exit()).as(up.out()).isZero();
        assertThat(up.out()).contains("gateway is up: http://localhost:8080");
        noWellKnownPasswordAndNothingPublishedBeyondLoopback(up.out());

        JsonNode products = get("/api/catalog/products?size=5", null);
        assertThat(products.path("items")).isNotEmpty();
        buyAsANewShopper(products.path("items").get(0).path("id").asLong());

        Run scaled = fig("scale", "catalog=2");
        assertThat(scaled.exit()).as(scaled.out()).isZero();
        for (int replica : List.of(1, 2)) {
            awaitTrue(() -> fig("exec", "--index", String.valueOf(replica), "catalog", "bash", "-c",
                    "exec 3<>/dev/tcp/127.0.0.1/8081 && printf 'GET /api/catalog/products?size=1 HTTP/1.0\\r\\n\\r\\n' >&3"
                            + " && head -1 <&3").out().contains(" 200"), "catalog replica " + replica + " serves");
        }

        Run deploy;
        Run back;
        String first;
        try (Reads reads = new Reads()) {
            deploy = fig("deploy", "--canary", "15", "catalog");
            reads.mark("deployed");
            Run releases = fig("releases", "catalog");
            assertThat(releases.out()).contains("deployed: started by fig up", "serving: built from the sources");
            // Back to the release fig up started, by its version. (An unchanged tree builds the same
            // image, the same version, so --rollback would rightly find nothing earlier; StackTest
            // covers it with two real versions.)
            first = releases.out().lines().skip(1).findFirst().orElse("").split(" ")[0];
            reads.mark("returning");
            back = fig("deploy", "--canary", "15", "--to", first, "catalog");
            reads.mark("returned");
            reads.close();
            if (!reads.failed.isEmpty()) {
                throw new AssertionError("requests failed during the deploy and the return (" + reads.marks + "), of "
                        + reads.served.get() + " served: " + reads.failed + "\n" + deploy.out() + "\n" + back.out()
                        + "\n" + fig("logs", "--tail", "60", "gateway").out());
            }
            assertThat(reads.served.get()).isPositive();
        }
        assertThat(deploy.exit()).as(deploy.out()).isZero();
        assertThat(deploy.out()).containsPattern("Deployed catalog 0\\.1\\.0-SNAPSHOT-[0-9a-f]{7,}")
                .as("the push's progress").containsPattern("digest: sha256:[0-9a-f]{64} size: \\d+")
                .as("the canary's figures").containsPattern("Canary of catalog: new [0-9.]+ req/s");
        assertThat(first).startsWith("0.1.0-SNAPSHOT-");
        assertThat(back.exit()).as(back.out()).isZero();
        // The figures each canary judged by, for the record of this run.
        Stream.of(deploy, back).flatMap(run -> run.out().lines()).filter(line -> line.startsWith("Canary of")).forEach(System.out::println);
        assertThat(fig("ps").out()).contains(PROJECT + "_catalog_5", PROJECT + "_catalog_6")
                .doesNotContain(PROJECT + "_catalog_1 ", PROJECT + "_catalog_3 ");
        assertThat(fig("releases", "catalog").out()).contains(first).contains("serving: deployed with --to");
        assertThat(fig("logs", "postgres").out()).as("every replica got its connections, the new ones too")
                .doesNotContain("remaining connection slots", "too many clients");
        prometheusScrapesEveryServiceAndRecordsEachRoute();
        aReleaseThatFailsReadsIsRefusedByItsCanary(first);

        Run down = fig("down", "-v");
        assertThat(down.exit()).as(down.out()).isZero();
        assertThat(fig("ps").out().strip().lines()).as("only the header is left").hasSize(1);
        String project = "label=com.docker.compose.project=" + PROJECT;
        for (List<String> list : List.of(List.of("container", "ls", "-a"), List.of("network", "ls"), List.of("volume", "ls"))) {
            List<String> args = new ArrayList<>(list);
            args.addAll(List.of("-q", "--filter", project));
            Run left = docker(args.toArray(String[]::new));
            assertThat(left.exit()).as(left.out()).isZero();
            assertThat(left.out().strip()).as("%s of the project after down -v", list).isEmpty();
        }
    }

    /**
     * fig generated the stack's passwords, showed only the admin's, and kept them private; Eureka and
     * the registry answer only their accounts, and fig pushed with its own; the admin's password is
     * in no log; nothing listens beyond loopback.
     */
    private void noWellKnownPasswordAndNothingPublishedBeyondLoopback(String upOutput) throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(SECRETS.resolve(PROJECT + ".env"))))
                .isEqualTo("rw-------");
        Properties stored = storedSecrets();
        String admin = stored.getProperty("SHOP_ADMIN_PASSWORD");
        assertThat(upOutput).contains("SHOP_ADMIN_PASSWORD=" + admin).doesNotContain(stored.getProperty("POSTGRES_PASSWORD"));
        post("/api/profiles/login", null, "{\"email\":\"admin@shop.local\",\"password\":\"" + admin + "\"}", 200);
        assertThat(fig("logs", "profiles").out()).contains("Created the ADMIN account").doesNotContain(admin)
                .contains("gRPC identity: profiles, certified by the authority in /run/secrets/pki");
        // The stack's authority stays private to its owner; each service's key is its image's user's.
        Path authority = SECRETS.resolve(PROJECT + ".pki");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(authority))).isEqualTo("rwx------");
        assertThat(Files.getAttribute(authority.resolve("billing.key"), "unix:uid")).isEqualTo(10001);
        assertThat(upOutput).contains("Issued the certificates of catalog, inventory, shipping, payment, billing, "
                + "recommendations, profiles from the stack's authority in " + authority);

        String eureka = "http://127.0.0.1:8761/eureka/apps";
        assertThat(getAs(eureka, null).statusCode()).as("an anonymous read of Eureka").isEqualTo(401);
        assertThat(getAs(eureka, "eureka:" + stored.getProperty("EUREKA_PASSWORD")).statusCode())
                .as("the stack's account reads Eureka").isEqualTo(200);
        String registry = "http://127.0.0.1:5000/v2/_catalog";
        assertThat(getAs(registry, null).statusCode()).as("an anonymous read of the stack's registry").isEqualTo(401);
        assertThat(getAs(registry, "shop:" + stored.getProperty("REGISTRY_PASSWORD")).body())
                .as("fig logged in and pushed").contains("shop/catalog");

        for (String port : List.of("8080", "8761", "5000", "9090")) {
            assertThat(docker("ps", "--format", "{{.Ports}}").out()).contains("127.0.0.1:" + port + "->")
                    .doesNotContain("0.0.0.0:" + port + "->");
        }
    }

    /**
     * A release that is healthy but answers 500 on every read (it looks for its tables in a schema
     * that does not exist) serves beside the old replicas for the canary, is refused on Prometheus'
     * figures, and is withdrawn: fig says why and exits non-zero, the old replicas serve on.
     */
    private void aReleaseThatFailsReadsIsRefusedByItsCanary(String good) throws Exception {
        Path context = STATE.resolve("broken-release");
        Files.createDirectories(context);
        Files.writeString(context.resolve("Dockerfile"), "FROM localhost:5000/shop/catalog:" + good + "\n"
                + "ENV SPRING_FLYWAY_ENABLED=false SPRING_DATASOURCE_HIKARI_SCHEMA=nowhere\n");
        Run built = docker("build", "-t", "localhost:5000/shop/catalog:broken", context.toString());
        assertThat(built.exit()).as(built.out()).isZero();
        List<String> serving = catalogReplicas();

        Run refused;
        try (Reads reads = new Reads()) {
            refused = fig("deploy", "--canary", "15", "--to", "broken", "catalog");
            reads.close();
            assertThat(reads.failed).as("the canary's share of the reads").isNotEmpty();
        }
        assertThat(refused.exit()).as(refused.out()).isNotZero();
        assertThat(refused.out()).contains("refused by its canary: the new replicas answered", "the old replicas keep serving",
                "Withdrawing the new replicas");
        assertThat(catalogReplicas()).as("the old replicas, and nothing of the refused release").isEqualTo(serving);
        assertThat(fig("releases", "catalog").out()).containsPattern("broken .* failed: deploy of catalog refused by its canary");
        assertThat(get("/api/catalog/products?size=1", null).path("items")).isNotEmpty();
    }

    private List<String> catalogReplicas() {
        return fig("ps").out().lines().filter(line -> line.startsWith(PROJECT + "_catalog_"))
                .map(line -> line.split(" ")[0]).sorted().toList();
    }

    /**
     * One client reading a product through the gateway as fast as it is answered, from creation to
     * close; each failure is kept with when it came and what it was, so that a red run says which
     * part dropped it. {@link #mark} notes when a step ended.
     */
    private final class Reads implements AutoCloseable {
        final AtomicInteger served = new AtomicInteger();
        final Queue<String> failed = new ConcurrentLinkedQueue<>();
        final List<String> marks = new ArrayList<>();
        private final long start = System.nanoTime();
        private final AtomicBoolean reading = new AtomicBoolean(true);
        private final Thread thread = new Thread(this::read);

        Reads() {
            thread.start();
        }

        void mark(String step) {
            marks.add(step + " at " + elapsedMs() + " ms");
        }

        private long elapsedMs() {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        }

        private void read() {
            while (reading.get()) {
                String at = "at " + elapsedMs() + " ms: ";
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(GATEWAY + "/api/catalog/products?size=1"))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        served.incrementAndGet();
                    } else {
                        failed.add(at + r.statusCode() + " " + r.body());
                    }
                } catch (IOException e) {
                    failed.add(at + e);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            reading.set(false);
            thread.join();
        }
    }

    /**
     * Only the stack's Prometheus reads the services' metrics, and only the stack's account reads
     * Prometheus; it found the gateway and every service through Eureka, and recorded the catalog
     * route's rate, error ratio and p99 from the load of the deploy, which failed no request.
     */
    private void prometheusScrapesEveryServiceAndRecordsEachRoute() throws Exception {
        Properties stored = storedSecrets();
        String metrics = GATEWAY + "/actuator/prometheus";
        assertThat(getAs(metrics, null).statusCode()).as("an anonymous read of the gateway's metrics").isEqualTo(401);
        assertThat(getAs(metrics, "prometheus:" + stored.getProperty("EUREKA_PASSWORD")).statusCode())
                .as("another of the stack's passwords").isEqualTo(401);
        assertThat(getAs(metrics, "prometheus:" + stored.getProperty("METRICS_PASSWORD")).body())
                .contains("spring_cloud_gateway_requests_seconds_bucket");
        String query = "http://127.0.0.1:9090/api/v1/query?query=";
        assertThat(getAs(query + "up", null).statusCode()).as("an anonymous query of Prometheus").isEqualTo(401);

        String account = "shop:" + stored.getProperty("PROMETHEUS_PASSWORD");
        List<String> applications = new ArrayList<>(List.of("gateway"));
        applications.addAll(ServiceList.names());
        awaitTrue(() -> promQuery(account, "count by (application) (up == 1)").stream()
                .map(sample -> sample.path("metric").path("application").asString()).toList()
                .containsAll(applications), "Prometheus scrapes " + applications);
        awaitTrue(() -> !promQuery(account, "route:requests:rate1m{routeId=\"catalog\"} > 0").isEmpty(),
                "the catalog route's request rate is recorded");
        assertThat(promValue(account, "route:errors:ratio_rate1m{routeId=\"catalog\"}")).as("no request failed").isZero();
        assertThat(promValue(account, "route:latency_seconds:p99_1m{routeId=\"catalog\"}")).isPositive().isLessThan(10);
        assertThat(promQuery(account, "instance:latency_seconds:p99_1m{application=\"catalog\"}"))
                .as("each serving catalog replica's p99").isNotEmpty();
    }

    /** The samples of a PromQL instant query, asked as the stack's account; none when it fails. */
    private List<JsonNode> promQuery(String account, String promQl) {
        try {
            HttpResponse<String> response = getAs("http://127.0.0.1:9090/api/v1/query?query="
                    + URLEncoder.encode(promQl, StandardCharsets.UTF_8), account);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            List<JsonNode> samples = new ArrayList<>();
            json.readTree(response.body()).path("data").path("result").forEach(samples::add);
            return samples;
        } catch (IOException e) {
            return List.of();
        } catch (Exception e) {
            throw new AssertionError(promQl, e);
        }
    }

    /** The single value a PromQL query answers. */
    private double promValue(String account, String promQl) {
        List<JsonNode> samples = promQuery(account, promQl);
        assertThat(samples).as(promQl).hasSize(1);
        return Double.parseDouble(samples.get(0).path("value").get(1).asString());
    }

    private static Properties storedSecrets() throws IOException {
        Properties stored = new Properties();
        try (var reader = Files.newBufferedReader(SECRETS.resolve(PROJECT + ".env"))) {
            stored.load(reader);
        }
        return stored;
    }

    /** A GET with HTTP Basic for {@code user:password}, or anonymous when that is null. */
    private HttpResponse<String> getAs(String url, String account) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (account != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(account.getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void buyAsANewShopper(long productId) throws Exception {
        String email = "fig-" + UUID.randomUUID() + "@shop.test";
        post("/api/profiles/register", null, "{\"email\":\"" + email + "\",\"password\":\"correct horse\",\"name\":\"Fig Shopper\"}", 201);
        String token = post("/api/profiles/login", null, "{\"email\":\"" + email + "\",\"password\":\"correct horse\"}", 200)
                .path("token").asString();
        // The first call from profiles to catalog, just after up on 2 shared cores, may miss its gRPC
        // deadline; the gateway says 503 "try again shortly", and so does this shopper, for a minute.
        HttpRequest addToCart = HttpRequest.newBuilder(URI.create(GATEWAY + "/api/profiles/me/cart/items/" + productId))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"quantity\":1}")).timeout(Duration.ofSeconds(30)).build();
        long deadline = System.currentTimeMillis() + 60_000;
        HttpResponse<String> added = http.send(addToCart, HttpResponse.BodyHandlers.ofString());
        while (added.statusCode() == 503 && System.currentTimeMillis() < deadline) {
            Thread.sleep(2000);
            added = http.send(addToCart, HttpResponse.BodyHandlers.ofString());
        }
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        JsonNode order = post("/api/billing/orders", token, """
                {"shippingAddress": {"line1": "1 Container Way", "city": "Berlin", "postalCode": "10115", "country": "DE"},
                 "payment": {"cardNumber": "4242424242424242", "expMonth": 12, "expYear": 2031, "cvc": "123"}}""", 201);
        assertThat(order.path("totalCents").asLong()).isPositive();
        assertThat(get("/api/billing/orders/" + order.path("orderId").asString(), token).path("orderId").asString())
                .isEqualTo(order.path("orderId").asString());
    }

    private JsonNode get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(GATEWAY + path)).timeout(Duration.ofSeconds(15));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request, 200);
    }

    private JsonNode post(String path, String token, String body, int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(GATEWAY + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request, expected);
    }

    private JsonNode send(HttpRequest.Builder request, int expected) throws Exception {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
        return response.body().isEmpty() ? json.createObjectNode() : json.readTree(response.body());
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 180_000;
        while (!condition.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as(what).isLessThan(deadline);
            Thread.sleep(1000);
        }
    }
}
