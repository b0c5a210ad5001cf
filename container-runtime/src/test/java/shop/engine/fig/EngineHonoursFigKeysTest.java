package shop.engine.fig;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import shop.engine.ServedEngine;
import shop.engine.TestEngines;
import shop.engine.support.Json;

/**
 * What a container sees of the keys fig sends in Docker's Config and HostConfig. What fig sends is
 * ContainerCreationTest's; the command options are FigCommandsTest's.
 */
@Tag("root")
class EngineHonoursFigKeysTest {

    static final Path DIR = Path.of("target/fig-keys").toAbsolutePath();
    static ServedEngine served;
    static DockerClient docker;

    @BeforeAll
    static void upTheStack() throws IOException {
        served = ServedEngine.start();
        docker = served.docker();
        Files.createDirectories(DIR.resolve("v1"));
        Files.writeString(DIR.resolve("fig.yml"), """
                services:
                  db:
                    image: debian:bookworm-slim
                    stop_signal: SIGKILL
                    command: ["bash", "-c", "echo shared > /data/note; exec sleep infinity"]
                    volumes: ["notes:/data"]
                  names:
                    image: debian:bookworm-slim
                    command: ["sleep", "infinity"]
                    stop_signal: SIGKILL
                    hostname: web1
                    domainname: shop.test
                    dns: [10.89.255.53]
                    dns_search: [shop.test]
                    extra_hosts: ["registry.shop.test:10.89.255.5"]
                  privileges:
                    image: debian:bookworm-slim
                    command: ["sleep", "infinity"]
                    stop_signal: SIGKILL
                    cap_add: [NET_ADMIN]
                    cap_drop: [CHOWN]
                    security_opt: ["no-new-privileges:true"]
                    read_only: true
                    tmpfs: ["/scratch:size=1m"]
                  privileged:
                    image: debian:bookworm-slim
                    command: ["sleep", "infinity"]
                    stop_signal: SIGKILL
                    privileged: true
                  limits:
                    image: debian:bookworm-slim
                    command: ["sleep", "infinity"]
                    stop_signal: SIGKILL
                    ulimits: {nofile: {soft: 256, hard: 512}}
                    sysctls: {net.core.somaxconn: "511"}
                    shm_size: 16m
                  sharing:
                    image: debian:bookworm-slim
                    command: ["sleep", "infinity"]
                    stop_signal: SIGKILL
                    volumes_from: ["db:ro"]
                  init:
                    image: debian:bookworm-slim
                    command: ["sleep", "infinity"]
                    stop_signal: SIGKILL
                    init: true
                  terminal:
                    image: debian:bookworm-slim
                    command: ["sleep", "infinity"]
                    stop_signal: SIGKILL
                    tty: true
                  secretive:
                    image: debian:bookworm-slim
                    command: ["sleep", "infinity"]
                    stop_signal: SIGKILL
                    secrets: [api_key, {source: db_password, target: /etc/db-password}]
                volumes:
                  notes:
                secrets:
                  api_key: {file: ./api_key.txt}
                  db_password: {file: ./db_password.txt}
                """);
        Files.writeString(DIR.resolve("api_key.txt"), "key-7f3a\n");
        Files.writeString(DIR.resolve("db_password.txt"), "pw-91c2\n");
        Files.writeString(DIR.resolve("v1/fig.yml"), """
                db:
                  image: debian:bookworm-slim
                  command: %s
                  stop_signal: SIGKILL
                web:
                  image: debian:bookworm-slim
                  command: ["sleep", "infinity"]
                  links: ["db:database"]
                  external_links: ["figkeys-outsider:legacy"]
                  stop_signal: SIGKILL
                """.formatted(Json.MAPPER.writeValueAsString(List.of("bash", "-c", TestEngines.HELLO_SERVER.replace("$", "$$")))));
        FigRun up = fig("up", "-d");
        assertThat(up.exit()).as(up.out()).isZero();
    }

    @AfterAll
    static void down() throws IOException {
        fig("down", "-v");
        served.close();
    }

    static FigRun fig(String... args) {
        return FigRun.of(List.of("-H", served.host(), "fig", "-f", DIR.resolve("fig.yml").toString(), "-p", "figkeys"), args);
    }

    /** What a shell command prints in the service's container. */
    static String in(String service, String script) {
        FigRun run = fig("exec", service, "bash", "-c", script);
        assertThat(run.exit()).as(service + ": " + script + ": " + run.out()).isZero();
        return run.out().strip();
    }

    @Test
    void itsNamesAndResolverComeFromTheFile() {
        assertThat(in("names", "cat /etc/hostname; cat /proc/sys/kernel/domainname")).isEqualTo("web1\nshop.test");
        assertThat(in("names", "cat /etc/resolv.conf")).contains("nameserver 10.89.255.53", "search shop.test");
        assertThat(in("names", "cat /etc/hosts")).containsPattern("10\\.89\\.255\\.5\\s+registry\\.shop\\.test");
    }

    @Test
    void capabilitiesPrivilegesAndARootItCannotWrite() throws IOException {
        long capabilities = Long.parseLong(in("privileges", "grep CapEff /proc/self/status | cut -f2"), 16);
        assertThat(capabilities & (1L << 12)).as("NET_ADMIN added").isNotZero();
        assertThat(capabilities & 1L).as("CHOWN dropped").isZero();
        assertThat(in("privileges", "grep NoNewPrivs /proc/self/status | cut -f2")).isEqualTo("1");
        assertThat(in("privileges", "touch /x 2>&1 || echo refused")).contains("Read-only file system", "refused");
        assertThat(in("privileges", "grep ' /scratch ' /proc/mounts")).startsWith("tmpfs /scratch tmpfs").contains("size=1024k");
        String host = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("CapEff"))
                .findFirst().orElseThrow().split("\\s+")[1];
        assertThat(in("privileged", "grep CapEff /proc/self/status | cut -f2")).as("privileged: all of root's").isEqualTo(host);
    }

    @Test
    void secretsAreReadOnlyFilesOutOfTheEnvironment() {
        assertThat(in("secretive", "cat /run/secrets/api_key /etc/db-password")).isEqualTo("key-7f3a\npw-91c2");
        assertThat(in("secretive", "echo x > /run/secrets/api_key 2>&1 || echo refused")).contains("refused");
        assertThat(in("secretive", "env")).doesNotContain("key-7f3a", "pw-91c2");
    }

    @Test
    void limitsReachTheProcessAndTheKernel() {
        assertThat(in("limits", "ulimit -Sn; ulimit -Hn")).isEqualTo("256\n512");
        assertThat(in("limits", "cat /proc/sys/net/core/somaxconn")).isEqualTo("511");
        assertThat(in("limits", "grep ' /dev/shm ' /proc/mounts")).contains("size=16384k");
    }

    /** Joining another container's namespaces (network_mode/ipc/pid: service:x) the engine refuses, by name. */
    @Test
    void volumesAreSharedWithAnotherService() {
        assertThat(in("sharing", "cat /data/note; touch /data/x 2>&1 || echo refused")).contains("shared", "refused");
    }

    @Test
    void initRunsTheCommandUnderAnInitAndTtyGivesItATerminal() {
        assertThat(in("init", "cat /proc/1/comm")).isNotEqualTo("sleep");
        assertThat(in("terminal", "readlink /proc/1/fd/1")).startsWith("/dev/pts/");
    }

    @Test
    void aFig10LinkAndAnExternalLinkAnswerByTheirAliases() throws Exception {
        String outsider = docker.createContainerCmd("debian:bookworm-slim").withName("figkeys-outsider")
                .withCmd("bash", "-c", TestEngines.HELLO_SERVER).exec().getId();
        docker.startContainerCmd(outsider).exec();
        FigRun v1 = FigRun.of(List.of("-H", served.host(), "fig", "-f", DIR.resolve("v1/fig.yml").toString(), "-p", "figkeys1"),
                "up", "-d");
        try {
            assertThat(v1.exit()).as(v1.out()).isZero();
            String fetch = "for i in $(seq 50); do exec 3<>/dev/tcp/%s/8080 && cat <&3 && exit; sleep 0.1; done; exit 1";
            FigRun link = FigRun.of(List.of("-H", served.host(), "fig", "-f", DIR.resolve("v1/fig.yml").toString(), "-p",
                    "figkeys1"), "exec", "web", "bash", "-c", fetch.formatted("database"));
            assertThat(link.out()).startsWith("hello from ");
            FigRun external = FigRun.of(List.of("-H", served.host(), "fig", "-f", DIR.resolve("v1/fig.yml").toString(), "-p",
                    "figkeys1"), "exec", "web", "bash", "-c", fetch.formatted("legacy"));
            assertThat(external.out()).startsWith("hello from ");
        } finally {
            FigRun.of(List.of("-H", served.host(), "fig", "-f", DIR.resolve("v1/fig.yml").toString(), "-p", "figkeys1"), "down");
            docker.removeContainerCmd(outsider).withForce(true).exec();
        }
    }
}
