package shop.engine.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import shop.engine.Engine;
import shop.engine.TestEngines;
import shop.engine.container.Container;
import shop.engine.container.ContainerService;
import shop.engine.image.ContainerConfig;

/**
 * images/registry, images/postgres and images/rabbitmq build from the bootstrapped Debian image
 * and the Debian mirror, run as their own users, and serve: each container is probed from inside
 * (it has loopback only) until it answers, and its HEALTHCHECK turns healthy.
 */
@Tag("root")
class InfrastructureImagesTest {

    static Engine engine;

    @BeforeAll
    static void open() {
        engine = TestEngines.open("crun");
    }

    @AfterAll
    static void close() {
        engine.containers().close();
    }

    static void build(String dir, String tag) {
        build(Path.of("images", dir), tag);
    }

    static void build(Path context, String tag) {
        StringBuilder progress = new StringBuilder();
        engine.builder().build(new Builder.BuildRequest(context, "Dockerfile", List.of(tag),
                Map.of(), null, false, Map.of()), progress::append);
        assertThat(progress).contains("Successfully tagged " + tag);
    }

    /** Runs {@code probe} in the container until it exits 0 (returning its output), or fails after {@code seconds}. */
    static String awaitProbe(String id, int seconds, String user, String... probe) throws InterruptedException {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (engine.containers().exec(id, new ContainerService.ExecRequest(List.of(probe), List.of(), user, null), null, out, out) == 0) {
                return out.toString();
            }
            last = out.toString();
            Thread.sleep(500);
        }
        throw new AssertionError(String.join(" ", probe) + " did not succeed within " + seconds + " s: " + last + "\nlogs: " + logs(id));
    }

    static void awaitHealthy(String id, int seconds) throws InterruptedException {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (System.currentTimeMillis() < deadline) {
            Container c = engine.containers().inspect(id);
            if (c.state().health() != null && c.state().health().status().equals("healthy")) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("not healthy within " + seconds + " s: " + engine.containers().inspect(id).state());
    }

    static String logs(String id) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        engine.containers().logs(id, shop.engine.container.ContainerService.LogOptions.ALL, out, out);
        return out.toString();
    }

    static String start(String image, List<String> env) {
        Container c = engine.containers().create(new ContainerService.CreateRequest(null, image,
                ContainerConfig.EMPTY.withEnv(env), null));
        engine.containers().start(c.id());
        return c.id();
    }

    @Test
    void theRegistryImageServesOnlyTheStacksAccountAsItsOwnUserAndRefusesDeletes() throws Exception {
        build("registry", "shop/registry:2");
        String id = start("shop/registry:2", List.of("REGISTRY_USER=shop", "REGISTRY_PASSWORD=s3cret-Reg"));
        String account = Base64.getEncoder().encodeToString("shop:s3cret-Reg".getBytes(StandardCharsets.UTF_8));
        String wrong = Base64.getEncoder().encodeToString("shop:guess".getBytes(StandardCharsets.UTF_8));
        try {
            assertThat(awaitProbe(id, 30, null, "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/5000 && printf 'GET /v2/ HTTP/1.0\\r\\n"
                    + "Authorization: Basic " + account + "\\r\\n\\r\\n' >&3 && head -1 <&3")).contains("200 OK");
            assertThat(awaitProbe(id, 5, null, "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/5000 && printf 'GET /v2/_catalog HTTP/1.0"
                    + "\\r\\n\\r\\n' >&3 && head -1 <&3")).as("anonymous").contains("401");
            assertThat(awaitProbe(id, 5, null, "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/5000 && printf 'GET /v2/_catalog HTTP/1.0"
                    + "\\r\\nAuthorization: Basic " + wrong + "\\r\\n\\r\\n' >&3 && head -1 <&3")).as("a wrong password").contains("401");
            // Deleting is off: with it on, an unknown manifest would be a 404, not an unsupported method.
            assertThat(awaitProbe(id, 5, null, "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/5000 && printf 'DELETE"
                    + " /v2/shop/x/manifests/sha256:" + "0".repeat(64) + " HTTP/1.0\\r\\nAuthorization: Basic " + account
                    + "\\r\\n\\r\\n' >&3 && head -1 <&3")).contains("405");
            assertThat(awaitProbe(id, 5, null, "sh", "-c", "ps -o user= -p 1 2>/dev/null || stat -c %U /proc/1"))
                    .contains("docker-registry");
            awaitHealthy(id, 40);
        } finally {
            engine.containers().remove(id, true, true);
        }
        String anonymous = start("shop/registry:2", List.of());
        try {
            assertThat(engine.containers().await(anonymous, ContainerService.WaitCondition.NOT_RUNNING))
                    .as("a registry without a password does not start").isNotZero();
            assertThat(logs(anonymous)).contains("REGISTRY_PASSWORD is not set");
        } finally {
            engine.containers().remove(anonymous, true, true);
        }
    }

    @Test
    void thePostgresImageHonoursTheOfficialImagesVariablesAndInitScripts() throws Exception {
        build("postgres", "shop/postgres:15");
        Path context = Files.createTempDirectory("postgres-init");
        Files.writeString(context.resolve("Dockerfile"), "FROM shop/postgres:15\nCOPY init.sql /docker-entrypoint-initdb.d/\n");
        Files.writeString(context.resolve("init.sql"), "CREATE TABLE greeting (text text);\n"
                + "INSERT INTO greeting VALUES ('hello from initdb');\n");
        build(context, "shop/postgres-it:1");
        String id = start("shop/postgres-it:1", List.of("POSTGRES_USER=shop", "POSTGRES_PASSWORD=s3cret", "POSTGRES_DB=shopdb"));
        try {
            assertThat(awaitProbe(id, 60, null, "psql", "-h", "/var/run/postgresql", "-U", "shop", "-d", "shopdb", "-tAc",
                    "select text from greeting")).contains("hello from initdb");
            assertThat(awaitProbe(id, 10, null, "sh", "-c",
                    "PGPASSWORD=s3cret psql -h 127.0.0.1 -U shop -d shopdb -tAc 'select current_user'")).contains("shop");
            ByteArrayOutputStream refused = new ByteArrayOutputStream();
            assertThat(engine.containers().exec(id,
                    new ContainerService.ExecRequest(List.of("sh", "-c", "PGPASSWORD=wrong psql -h 127.0.0.1 -U shop -d shopdb -c 'select 1'"), List.of(), null, null), null, refused, refused)).isNotZero();
            assertThat(refused.toString()).contains("password authentication failed");
            assertThat(awaitProbe(id, 5, null, "stat", "-c", "%U", "/proc/1")).contains("postgres");
            awaitHealthy(id, 30);
        } finally {
            engine.containers().remove(id, true, true);
        }
    }

    @Test
    void theRabbitmqImageCreatesTheDefaultUserFromTheEnvironment() throws Exception {
        build("rabbitmq", "shop/rabbitmq:3");
        String id = start("shop/rabbitmq:3", List.of("RABBITMQ_DEFAULT_USER=shop", "RABBITMQ_DEFAULT_PASS=s3cret"));
        try {
            assertThat(awaitProbe(id, 90, null, "rabbitmqctl", "authenticate_user", "shop", "s3cret")).contains("Success");
            ByteArrayOutputStream refused = new ByteArrayOutputStream();
            assertThat(engine.containers().exec(id,
                    new ContainerService.ExecRequest(List.of("rabbitmqctl", "authenticate_user", "shop", "wrong"), List.of(), null, null), null, refused, refused)).isNotZero();
            assertThat(awaitProbe(id, 5, null, "stat", "-c", "%U", "/proc/1")).contains("rabbitmq");
            awaitHealthy(id, 60);
        } finally {
            engine.containers().remove(id, true, true);
        }
    }
}
