package shop.engine.fig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shop.engine.support.Json;

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
        FigFile fig = FigFile.loadGeneratingSecrets(figYml, "shop", List.of(), Map.of("SHOP_SECRETS_DIR", dir.toString()));

        List<String> order = fig.project().services().stream().map(ServiceSpec::name).toList();
        assertThat(order).contains("jre", "registry", "postgres", "rabbitmq", "discovery", "gateway", "catalog", "inventory",
                "shipping", "payment", "billing", "recommendations", "profiles");
        assertThat(order.indexOf("jre")).isLessThan(order.indexOf("discovery"));
        assertThat(order.indexOf("catalog")).isLessThan(order.indexOf("gateway"));
        assertThat(order.indexOf("profiles")).isLessThan(order.indexOf("gateway"));
        ServiceSpec gateway = fig.project().service("gateway");
        assertThat(gateway.ports()).containsExactly("127.0.0.1:8080:8080");
        assertThat(gateway.image()).isEqualTo("localhost:5000/shop/gateway");
        assertThat(gateway.memoryBytes()).isPositive();
        assertThat(fig.project().service("discovery").ports()).containsExactly("127.0.0.1:8761:8761");
        assertThat(fig.project().services()).allMatch(s -> s.memoryBytes() > 0 || s.name().equals("jre"));
        assertThat(fig.warnings()).isEmpty();

        Process compose = new ProcessBuilder("docker-compose", "--env-file", fig.secretsFile().toString(), "-f",
                figYml.toString(), "config", "-q").redirectErrorStream(true).start();
        String output = new String(compose.getInputStream().readAllBytes());
        assertThat(compose.waitFor()).as(output).isZero();
        assertThat(output).as("docker-compose finds every variable in fig's secrets file").doesNotContain("is not set");
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
                      start_period: 1m
                      start_interval: 1s
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
        assertThat(fig.project().service("db").healthcheck().startInterval()).isEqualTo(1_000_000_000L);
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
        assertThat(web.links()).as("Docker's links on the default bridge, as compose runs version 1").containsExactly("redis:cache");
        assertThat(web.options().networkMode()).isEqualTo("bridge");
        assertThat(web.networks()).isEmpty();
        assertThat(fig.project().networks()).as("no network of the stack's own").isEmpty();
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
                .hasMessage("fig.yml:5: services.ssh.ports: 22:22 is read by YAML 1.1 as the base-60 number 1342; quote it: \"22:22\"");
    }

    @Test
    void badFilesNameTheFileTheLineAndTheKey() {
        assertThatThrownBy(() -> load("services:\n  web:\n    image: nginx\n    prots: [\"80\"]\n"))
                .hasMessage("fig.yml:4: services.web.prots: unknown key (did you mean ports?)");
        assertThatThrownBy(() -> load("services:\n  web:\n    image: nginx\n    ports: 80\n"))
                .hasMessage("fig.yml:4: services.web.ports: want a list");
        assertThatThrownBy(() -> load("services:\n  web:\n    image: nginx\n    volumes: [\"data:/data\"]\n"))
                .hasMessageStartingWith("fig.yml:4: services.web.volumes: named volume \"data\" is not declared");
        assertThatThrownBy(() -> load("services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [a]\n"))
                .hasMessage("fig.yml:2: services.a.depends_on: a dependency cycle: a -> b -> a");
        assertThatThrownBy(() -> load("services:\n  a:\n    image: x\n    depends_on: [nope]\n"))
                .hasMessageContaining("services.a.depends_on: no service \"nope\"");
        assertThatThrownBy(() -> load("services:\n  a:\n    image: x\n    depends_on:\n      b: {condition: done}\n  b:\n    image: x\n"))
                .hasMessageStartingWith("fig.yml:5: services.a.depends_on.b.condition: \"done\": want service_started");
        assertThatThrownBy(() -> load("services:\n  a:\n    build: ./missing\n"))
                .hasMessageStartingWith("fig.yml:3: services.a.build: ");
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
    void anUnquotedYesInTheEnvironmentIsAWarning() throws Exception {
        FigFile fig = load("services:\n  web:\n    image: nginx\n    tty: true\n    environment:\n      DEBUG: yes\n");
        assertThat(fig.warnings()).containsExactly(
                "fig.yml:6: services.web.environment.DEBUG: YAML 1.1 reads yes as a boolean; quote it to keep the word");
        assertThat(fig.project().service("web").environment()).containsEntry("DEBUG", "yes");
    }

    @Test
    void everyKeyOfComposesVersion1SchemaIsReadOrRefusedByName() throws Exception {
        // The schema docker-compose 1.29 validates a Fig-style file against (test-prereqs.sh installs it).
        Path schema = Path.of("/usr/lib/python3/dist-packages/compose/config/config_schema_v1.json");
        JsonNode keys = Json.MAPPER.readTree(schema.toFile()).path("definitions").path("service").path("properties");
        assertThat(keys.size()).isEqualTo(49);
        for (String key : (Iterable<String>) keys::fieldNames) {
            try {
                load("web:\n  image: x\n  " + key + ": {}\n");
            } catch (FigException wrongType) {
                assertThat(wrongType.getMessage()).as(key).doesNotContain("unknown key");
            }
        }
        assertThatThrownBy(() -> load("web:\n  image: x\n  extends: base\n"))
                .hasMessage("fig.yml:3: web.extends: not supported: write the service's keys out");
    }

    /** The file every container key is in, from the test resources. */
    static String everyContainerKey() throws Exception {
        return Files.readString(Path.of(FigFileTest.class.getResource("every-container-key.yml").toURI()));
    }

    @Test
    void theKeysDockerTakesAsTheyAreAreReadWithTheirUnits() throws Exception {
        FigFile fig = load(everyContainerKey());

        ServiceSpec web = fig.project().service("web");
        ContainerOptions o = web.options();
        assertThat(List.of(o.hostname(), o.domainname(), o.networkMode(), o.pid(), o.ipc(), o.cpuset(), o.logDriver(), o.containerName()))
                .containsExactly("web1", "shop.test", "service:db", "host", "service:db", "0-1", "json-file", "the-web");
        assertThat(List.of(o.stdinOpen(), o.tty(), o.privileged(), o.readOnly(), o.init())).containsOnly(true);
        assertThat(o.dns()).containsExactly("10.0.0.2");
        assertThat(o.dnsSearch()).containsExactly("shop.test");
        assertThat(o.extraHosts()).containsExactly("registry:10.0.0.5");
        assertThat(o.externalLinks()).containsExactly("legacy_db_1:legacy", "cache_1");
        assertThat(o.volumesFrom()).containsExactly("db:ro", "container:backup");
        assertThat(o.capAdd()).containsExactly("NET_ADMIN", "SYS_TIME");
        assertThat(o.capDrop()).containsExactly("MKNOD");
        assertThat(o.securityOpt()).containsExactly("no-new-privileges:true");
        assertThat(o.tmpfs()).containsExactly(Map.entry("/run", "size=64m"), Map.entry("/tmp", ""));
        assertThat(o.shmSize()).isEqualTo(128L << 20);
        assertThat(o.sysctls()).containsExactly(Map.entry("net.core.somaxconn", "1024"));
        assertThat(o.ulimits()).containsEntry("nofile", new ContainerOptions.Ulimit(1024, 4096))
                .containsEntry("nproc", new ContainerOptions.Ulimit(512, 512));
        assertThat(o.devices()).containsExactly("/dev/fuse:/dev/fuse:rw");
        assertThat(o.cgroupParent()).isEqualTo("shop.slice");
        assertThat(List.of(o.cpuShares(), o.cpuQuota(), o.memoryReservation(), o.memorySwap()))
                .containsExactly(512L, 50000L, 64L << 20, -1L);
        assertThat(o.memorySwappiness()).isEqualTo(10);
        assertThat(o.volumeDriver()).isEqualTo("local");
        assertThat(o.stopGraceSeconds()).isEqualTo(90);
        assertThat(o.logOptions()).containsExactly(Map.entry("max-size", "10m"));
        assertThat(web.labels()).containsEntry("team", "shop");
        assertThat(web.networks()).as("its network is db's").isEmpty();
        assertThat(web.dependsOn()).as("it needs db's namespaces and volumes").containsOnlyKeys("db");
        assertThat(fig.project().services()).extracting(ServiceSpec::name).containsExactly("db", "web");
        assertThat(fig.render()).contains("network_mode: service:db", "stop_grace_period: 90s", "container_name: the-web");
    }

    @Test
    void envFilesAreReadBesideTheFileAndTheEnvironmentKeyWins() throws Exception {
        Files.writeString(dir.resolve("common.env"), "# shared\nLEVEL=info\nNAME='shop'\nURL=http://$HOST/\n");
        Files.createDirectories(dir.resolve("env"));
        Files.writeString(dir.resolve("env/web.env"), "LEVEL=debug\n");
        FigFile fig = load("""
                services:
                  web:
                    image: debian
                    env_file: [common.env, env/web.env]
                    environment: {NAME: web}
                """);
        assertThat(fig.project().service("web").environment())
                .containsExactly(Map.entry("LEVEL", "debug"), Map.entry("NAME", "web"), Map.entry("URL", "http://$HOST/"));

        assertThatThrownBy(() -> load("services:\n  web:\n    image: debian\n    env_file: missing.env\n"))
                .hasMessage("fig.yml:4: services.web.env_file: no file " + dir.resolve("missing.env"));
    }

    @Test
    void aFig10FileIsReadAsComposeReadsVersion1() throws Exception {
        FigFile fig = load("""
                db:
                  image: debian
                  volumes: ["data:/data"]
                web:
                  build: .
                  dockerfile: Dockerfile.dev
                  net: "container:db"
                  volumes_from: [backup_1]
                  log_driver: json-file
                  log_opt: {max-file: "3"}
                  cpu_quota: 50000
                  mac_address: 02:42:ac:11:65:43
                """);
        ServiceSpec web = fig.project().service("web");
        assertThat(web.options().networkMode()).as("a service's container, by its service name").isEqualTo("service:db");
        assertThat(web.options().volumesFrom()).as("not a service: a container").containsExactly("container:backup_1");
        assertThat(web.build().dockerfile()).isEqualTo("Dockerfile.dev");
        assertThat(web.options().logOptions()).containsExactly(Map.entry("max-file", "3"));
        assertThat(web.options().cpuQuota()).isEqualTo(50000);
        assertThat(web.dependsOn()).containsOnlyKeys("db");
        assertThat(fig.project().service("db").volumes()).as("the engine's volume, not the stack's").containsExactly("data:/data");
        assertThat(fig.project().volumes()).isEmpty();
    }

    @Test
    void valuesDockerWouldRefuseAreRefusedWithTheirLine() {
        String head = "services:\n  web:\n    image: debian\n";
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("    cap_add: [NET_ADMN]\n",
                "fig.yml:4: services.web.cap_add: \"NET_ADMN\" is not a Linux capability (e.g. NET_ADMIN, SYS_TIME, ALL)");
        cases.put("    tmpfs: run\n", "fig.yml:4: services.web.tmpfs: \"run\": the mount point must be an absolute path");
        cases.put("    extra_hosts: [\"registry\"]\n", "fig.yml:4: services.web.extra_hosts: \"registry:\" is not HOST:IP");
        cases.put("    network_mode: bridged\n", "fig.yml:4: services.web.network_mode: \"bridged\": want host, none, bridge, "
                + "container:NAME or service:NAME");
        cases.put("    network_mode: service:db\n", "fig.yml:4: services.web.network_mode: no service \"db\" "
                + "(or it is in a profile that is not enabled)");
        cases.put("    network_mode: host\n    networks: [default]\n",
                "fig.yml:4: services.web.network_mode: network_mode and networks cannot be combined");
        cases.put("    ulimits:\n      nofile: {soft: 10, hard: 5}\n",
                "fig.yml:5: services.web.ulimits.nofile: the soft limit 10 is above the hard 5");
        cases.put("    ulimits: {files: 10}\n", "fig.yml:4: services.web.ulimits.files: not a resource Docker limits");
        cases.put("    privileged: maybe\n", "fig.yml:4: services.web.privileged: \"maybe\" is not true or false");
        cases.put("    shm_size: lots\n", "fig.yml:4: services.web.shm_size: invalid size: 'lots'");
        cases.put("    container_name: web\n    scale: 2\n",
                "fig.yml:4: services.web.container_name: a fixed name allows one container, and the service asks for 2");
        cases.put("    volumes_from: [db]\n", "fig.yml:4: services.web.volumes_from: no service \"db\" (write container:db for a container)");
        cases.put("    logging: {driver: rsyslog}\n", "fig.yml:4: services.web.logging: log driver \"rsyslog\": want one of");
        cases.put("    memswap_limit: 1g\n", "fig.yml:4: services.web.memswap_limit: needs mem_limit too");
        cases.put("    stop_grace_period: soon\n", "fig.yml:4: services.web.stop_grace_period: ");
        cases.forEach((yaml, message) -> assertThatThrownBy(() -> load(head + yaml)).as(yaml)
                .isInstanceOf(FigException.class).hasMessageStartingWith(message));
        assertThatThrownBy(() -> load("web:\n  image: debian\n  networks: [back]\n"))
                .hasMessage("fig.yml:3: web.networks: a Fig 1.0 file has no networks; put the services under services: to use them");
    }
}
