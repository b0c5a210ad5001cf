package shop.engine.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import shop.engine.Engine;
import shop.engine.ServedEngine;

/**
 * The docker CLI's login, push and pull through the engine's API (POST /auth, /images/{name}/push,
 * /images/create with X-Registry-Auth) against an htpasswd docker-registry; curl for the raw stream.
 */
@Tag("root")
class RegistryApiTest {

    static ServedEngine served;
    static Engine engine;
    static Path socket;
    static LocalRegistry registry;

    @BeforeAll
    static void start() throws Exception {
        served = ServedEngine.start();
        engine = served.engine();
        socket = served.socket();
        registry = LocalRegistry.startWithHtpasswd(FreshEngines.WORK.resolve("api-" + UUID.randomUUID()), "alice", "s3cret");
    }

    @AfterAll
    static void stop() throws Exception {
        served.close();
        registry.close();
    }

    record Result(int exit, String out) {
    }

    static Result run(String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("DOCKER_HOST", "unix://" + socket);
        pb.environment().put("DOCKER_CONFIG", socket.resolveSibling("docker-config").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish: " + out);
        }
        return new Result(p.exitValue(), out);
    }

    static Result docker(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        return run(command.toArray(String[]::new));
    }

    @Test
    void theDockerCliLogsInPushesAndPullsThroughTheEngine() throws Exception {
        String name = registry.address() + "/it/api:1";
        TestImages.layered(engine.images(), name, 2, 512 << 10);
        try {
            Result anonymous = docker("push", name);
            assertThat(anonymous.exit()).isNotZero();
            assertThat(anonymous.out()).contains("unauthorized");

            Result wrong = docker("login", "-u", "alice", "-p", "nope", registry.address());
            assertThat(wrong.exit()).isNotZero();
            assertThat(wrong.out()).contains("refused the credentials of user alice");

            Result login = docker("login", "-u", "alice", "-p", "s3cret", registry.address());
            assertThat(login.exit()).as(login.out()).isZero();
            assertThat(login.out()).contains("Login Succeeded");

            Result push = docker("push", name);
            assertThat(push.exit()).as(push.out()).isZero();
            assertThat(push.out()).contains("1: digest: sha256:");

            engine.images().remove(name, false);
            Result pull = docker("pull", name);
            assertThat(pull.exit()).as(pull.out()).isZero();
            assertThat(pull.out()).contains("Downloaded newer image for " + name);
            assertThat(engine.images().find(name)).isPresent();
            assertThat(docker("pull", name).out()).contains("Image is up to date for " + name);

            Result missing = docker("pull", registry.address() + "/it/missing:1");
            assertThat(missing.exit()).isNotZero();
            assertThat(missing.out()).contains("MANIFEST_UNKNOWN").contains("it/missing");
        } finally {
            engine.images().find(name).ifPresent(i -> engine.images().remove(name, false));
        }
    }

    @Test
    void theProgressStreamStartsWithAStatusAndBadReferencesAre400() throws Exception {
        Result bad = run("curl", "-s", "-w", " %{http_code}", "--unix-socket", socket.toString(), "-X", "POST",
                "http://engine/v1.44/images/create?fromImage=Not%20Valid&tag=1");
        assertThat(bad.out()).contains("invalid reference").endsWith(" 400");

        Result stream = run("curl", "-s", "--unix-socket", socket.toString(), "-X", "POST",
                "http://engine/images/create?fromImage=" + registry.address() + "/it/none&tag=1");
        List<String> lines = stream.out().lines().toList();
        assertThat(lines.get(0)).startsWith("{\"status\":");
        assertThat(lines.get(lines.size() - 1)).startsWith("{\"error\":").contains("\"errorDetail\":{\"message\":")
                .contains("unauthorized");
    }
}
