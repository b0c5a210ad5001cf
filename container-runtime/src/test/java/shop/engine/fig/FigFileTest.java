package shop.engine.fig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading stack files: both formats, interpolation, dependency order, and errors that name file, line and key. */
class FigFileTest {

    @TempDir
    Path dir;

    private FigFile load(String yaml, Map<String, String> env, String... profiles) throws Exception {
        Path file = dir.resolve("fig.yml");
        Files.writeString(file, yaml);
        return FigFile.load(file, "demo", List.of(profiles), env);
    }

    private FigFile load(String yaml) throws Exception {
        return load(yaml, Map.of());
    }

    @Test
    void theRepositorysStackLoadsAndDockerComposeAcceptsIt() throws Exception {
        Path figYml = Path.of("../fig.yml").toAbsolutePath().normalize();
        FigFile fig = FigFile.load(figYml, "shop", List.of(), Map.of());

        List<String> order = fig.project().services().stream().map(ServiceSpec::name).toList();
        assertThat(order).contains("jre", "registry", "postgres", "rabbitmq", "discovery", "gateway", "catalog", "inventory",
                "shipping", "payment", "billing", "recommendations", "profiles");
        assertThat(order.indexOf("jre")).isLessThan(order.indexOf("discovery"));
        assertThat(order.indexOf("catalog")).isLessThan(order.indexOf("gateway"));
        assertThat(order.indexOf("profiles")).isLessThan(order.indexOf("gateway"));
        ServiceSpec gateway = fig.project().service("gateway");
        assertThat(gateway.ports()).containsExactly("8080:8080");
        assertThat(gateway.image()).isEqualTo("localhost:5000/shop/gateway");
        assertThat(gateway.memoryBytes()).isPositive();
        assertThat(fig.project().service("discovery").ports()).containsExactly("8761:8761");
        assertThat(fig.project().services()).allMatch(s -> s.memoryBytes() > 0 || s.name().equals("jre"));
        assertThat(fig.warnings()).isEmpty();

        Process compose = new ProcessBuilder("docker-compose", "-f", figYml.toString(), "config", "-q")
                .redirectErrorStream(true).start();
        String output = new String(compose.getInputStream().readAllBytes());
        assertThat(compose.waitFor()).as(output).isZero();
    }

    @Test
    void composeFormatWithInterpolationFromEnvAndDotEnv() throws Exception {
        Files.writeString(dir.resolve(".env"), "# defaults\nTAG=from-dotenv\nPORT=9000\n");
        FigFile fig = load("""
                services:
                  web:
                    image: "shop/web:${TAG}"
                    command: sh -c 'echo "$$HOME" && sleep 1'
                    environment:
                      GREETING: ${GREETING:-hello}
                      EMPTY:
                    ports: ["127.0.0.1:${PORT}:80", "81"]
                    depends_on:
                      db: {condition: service_healthy}
                    deploy: {replicas: 2, resources: {limits: {memory: 64m}}}
                    volumes: ["data:/data", "./conf:/etc/conf:ro"]
                  db:
                    image: postgres
                    healthcheck:
                      test: ["CMD", "pg_isready"]
                      interval: 1m30s
                      retries: 3
                volumes:
                  data:
                """, Map.of("PORT", "8080"));

        ServiceSpec web = fig.project().service("web");
        assertThat(web.image()).isEqualTo("shop/web:from-dotenv");
        assertThat(web.command()).containsExactly("sh", "-c", "echo \"$HOME\" && sleep 1");
        assertThat(web.environment()).containsEntry("GREETING", "hello").containsEntry("EMPTY", "");
        assertThat(web.ports()).as("the environment wins over .env").containsExactly("127.0.0.1:8080:80", "81");
        assertThat(web.replicas()).isEqualTo(2);
        assertThat(web.memoryBytes()).isEqualTo(64L << 20);
        assertThat(web.volumes()).containsExactly("data:/data", dir.resolve("conf") + ":/etc/conf:ro");
        assertThat(web.networks()).containsOnlyKeys("default");
        assertThat(web.dependsOn()).containsEntry("db", ServiceSpec.Condition.SERVICE_HEALTHY);
        assertThat(fig.project().services()).extracting(ServiceSpec::name).containsExactly("db", "web");
        assertThat(fig.project().service("db").healthcheck().interval()).isEqualTo(90_000_000_000L);
        assertThat(fig.render()).contains("replicas: 2").contains("condition: service_healthy");
    }

    @Test
    void aFig10FileHasItsServicesAtTheRootAndLinksAreAliases() throws Exception {
        FigFile fig = load("""
                web:
                  build: .
                  links: ["redis:cache"]
                  ports: ["8000:8000"]
                  mem_limit: 128m
                redis:
                  image: redis
                """);

        assertThat(fig.project().services()).extracting(ServiceSpec::name).containsExactly("redis", "web");
        ServiceSpec web = fig.project().service("web");
        assertThat(web.image()).isEqualTo("demo_web");
        assertThat(web.build().context()).isEqualTo(dir);
        assertThat(web.dependsOn()).containsEntry("redis", ServiceSpec.Condition.SERVICE_STARTED);
        assertThat(fig.project().service("redis").networks().get("default")).containsExactly("cache");
    }

    @Test
    void theConfigHashFollowsTheConfiguration() throws Exception {
        String base = "services:\n  web:\n    image: nginx\n    environment: {A: \"1\"}\n";
        String hash = load(base).project().service("web").configHash();
        assertThat(load(base).project().service("web").configHash()).isEqualTo(hash);
        assertThat(load(base.replace("\"1\"", "\"2\"")).project().service("web").configHash()).isNotEqualTo(hash);
    }

    @Test
    void profilesLeaveServicesOutUnlessEnabled() throws Exception {
        String yaml = "services:\n  web:\n    image: nginx\n  debug:\n    image: busybox\n    profiles: [debug]\n";
        assertThat(load(yaml).project().services()).extracting(ServiceSpec::name).containsExactly("web");
        assertThat(load(yaml, Map.of(), "debug").project().services()).extracting(ServiceSpec::name).containsExactly("web", "debug");
        assertThat(load(yaml, Map.of("COMPOSE_PROFILES", "debug")).project().services()).hasSize(2);
    }

    @Test
    void anUnquotedPortThatYaml11ReadsAsBase60IsAnErrorWithItsLine() {
        assertThatThrownBy(() -> load("services:\n  ssh:\n    image: sshd\n    ports:\n      - 22:22\n"))
                .isInstanceOf(FigException.class)
                .hasMessage("fig.yml:5: ssh.ports: 22:22 is read by YAML 1.1 as the base-60 number 1342; quote it: \"22:22\"");
    }

    @Test
    void badFilesNameTheFileTheLineAndTheKey() {
        assertThatThrownBy(() -> load("services:\n  web:\n    image: nginx\n    prots: [\"80\"]\n"))
                .hasMessage("fig.yml:4: web.prots: unknown key (did you mean ports?)");
        assertThatThrownBy(() -> load("services:\n  web:\n    image: nginx\n    ports: 80\n"))
                .hasMessage("fig.yml:4: web.ports: want a list");
        assertThatThrownBy(() -> load("services:\n  web:\n    image: nginx\n    volumes: [\"data:/data\"]\n"))
                .hasMessageStartingWith("fig.yml:4: web.volumes: named volume \"data\" is not declared");
        assertThatThrownBy(() -> load("services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [a]\n"))
                .hasMessage("fig.yml:2: a.depends_on: a dependency cycle: a -> b -> a");
        assertThatThrownBy(() -> load("services:\n  a:\n    image: x\n    depends_on: [nope]\n"))
                .hasMessageContaining("a.depends_on: no service \"nope\"");
        assertThatThrownBy(() -> load("services:\n  a:\n    image: x\n    depends_on:\n      b: {condition: done}\n  b:\n    image: x\n"))
                .hasMessageStartingWith("fig.yml:5: a.depends_on.b.condition: \"done\": want service_started");
        assertThatThrownBy(() -> load("services:\n  a:\n    build: ./missing\n"))
                .hasMessageStartingWith("fig.yml:3: a.build: ");
        assertThatThrownBy(() -> load("services:\n  a:\n    image: \"x:${TAG\"\n"))
                .hasMessageStartingWith("fig.yml:3: invalid interpolation format");
        assertThatThrownBy(() -> load("servics:\n  a:\n    image: x\n  b: [1]\n"))
                .isInstanceOf(FigException.class);
        assertThatThrownBy(() -> load("services:\n  a:\n    image: x\n  a:\n    image: y\n"))
                .hasMessage("fig.yml:4: services.a: duplicate key");
        assertThatThrownBy(() -> load("services:\n  a: [\n"))
                .hasMessageStartingWith("fig.yml:");
    }

    @Test
    void ignoredKeysAndYamlBooleansAreWarnings() throws Exception {
        FigFile fig = load("services:\n  web:\n    image: nginx\n    tty: true\n    environment:\n      DEBUG: yes\n");
        assertThat(fig.warnings()).anyMatch(w -> w.startsWith("fig.yml:4: web.tty is not supported"))
                .anyMatch(w -> w.startsWith("fig.yml:6: web.environment.DEBUG: YAML 1.1 reads yes as a boolean"));
        assertThat(fig.project().service("web").environment()).containsEntry("DEBUG", "yes");
    }
}
