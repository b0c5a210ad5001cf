package shop.engine.fig;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import shop.engine.image.BaseImages;
import shop.engine.support.HostCommands;
import shop.engine.support.Json;

/**
 * fig on a real other engine: a small stack through the fig CLI on Debian's Podman 4.3
 * ({@link PodmanService}: its own socket, storage and namespaces under target/podman-it), with
 * the Debian root filesystem of ci-prereqs.sh imported as debian:bookworm-slim. web serves a
 * greeting from a named volume and has a healthcheck; worker waits for web to be healthy, fetches
 * the greeting over the named network by the name "web" and serves it on a fixed port (fixed in
 * Podman's network namespace, so no clash with the host's). The host's firewall and forwarding
 * must be as they were, and nothing of Podman's left.
 */
@Tag("root")
class PodmanStackTest {

    static final Path DIR = Path.of("target/podman-it").toAbsolutePath();
    static final String PROJECT = "figpod";
    static final String IMAGE = "debian:bookworm-slim";
    /** Answers each connection to the port ($1) with the content of the file ($2). Perl-base is in minbase. */
    static final String SERVE = "$SIG{TERM} = sub { exit 0 }; ($port, $file) = @ARGV; $| = 1; "
            + "$s = IO::Socket::INET->new(LocalPort => $port, Listen => 5, ReuseAddr => 1) or die $!; print \"serving $file\\n\"; "
            + "while (1) { $c = $s->accept or next; open F, $file; print $c <F>; close F; close $c }";

    static HostNetwork hostBefore;
    static PodmanService podman;
    static Path figYml;

    /** What Podman must not change on the host: its firewall and its forwarding switches. */
    record HostNetwork(String iptables, String ip6tables, String nft, String ipForward, String ip6Forward) {
        static HostNetwork now() throws IOException {
            return new HostNetwork(rules("iptables-save"), rules("ip6tables-save"),
                    HostCommands.run(List.of("nft", "list", "ruleset"), null, "nft"),
                    Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")),
                    Files.readString(Path.of("/proc/sys/net/ipv6/conf/all/forwarding")));
        }

        /** The saved rules without the "# Generated/Completed on <time>" comments. */
        private static String rules(String command) {
            return HostCommands.run(List.of(command), null, command).lines().filter(l -> !l.startsWith("#"))
                    .reduce("", (a, b) -> a + b + "\n");
        }
    }

    @BeforeAll
    static void startPodman() throws IOException {
        hostBefore = HostNetwork.now();
        podman = PodmanService.start(DIR);
        podman.importImage(BaseImages.defaultCache().resolve("debian-bookworm-minbase.tar"), IMAGE);
        figYml = DIR.resolve("fig.yml");
        Files.writeString(figYml, """
                services:
                  web:
                    image: %1$s
                    command: %2$s
                    volumes:
                      - data:/data
                    networks:
                      - back
                    ports:
                      - "127.0.0.1::8080"
                    healthcheck:
                      test: ["CMD", "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080"]
                      interval: 1s
                      timeout: 2s
                      retries: 30
                  worker:
                    image: %1$s
                    command: %3$s
                    depends_on:
                      web:
                        condition: service_healthy
                    networks:
                      - back
                    ports:
                      - "127.0.0.1:18081:8081"
                volumes:
                  data:
                networks:
                  back:
                """.formatted(IMAGE,
                command("echo hello from web > /data/greeting && exec perl -MIO::Socket::INET -e '" + SERVE + "' 8080 /data/greeting"),
                command("exec 3<>/dev/tcp/web/8080 && cat <&3 > /tmp/greeting && exec perl -MIO::Socket::INET -e '" + SERVE
                        + "' 8081 /tmp/greeting")));
    }

    /** A bash command as a YAML flow sequence (JSON is YAML), with fig's "$" escaped as "$$". */
    private static String command(String script) throws IOException {
        return Json.MAPPER.writeValueAsString(List.of("bash", "-c", script.replace("$", "$$")));
    }

    @AfterEach
    void down() {
        fig("down", "-v");
    }

    @AfterAll
    static void stopPodmanAndCheckTheHost() throws Exception {
        if (podman == null) {
            return;
        }
        PodmanService.Leftovers left = podman.stop();
        assertThat(left.processes()).as("processes left in podman's network namespace").isEmpty();
        assertThat(left.mounts()).as("mounts left under podman's directory").isEmpty();
        assertThat(left.cgroups()).as("cgroups podman made that are still there").isEmpty();
        assertThat(left.directoryLeft()).as("podman's directory is removed").isFalse();
        assertThat(HostNetwork.now()).as("the host's iptables, nft ruleset and ip_forward").isEqualTo(hostBefore);
    }

    static FigRun fig(String... args) {
        return FigRun.of(List.of("-H", podman.host(), "fig", "-f", figYml.toString(), "-p", PROJECT), args);
    }

    /** What a client reads from a port published on Podman's loopback (inside its network namespace). */
    static String read(String address) {
        String[] hostPort = address.split(":");
        return podman.inNetwork("exec 3<>/dev/tcp/" + hostPort[0] + "/" + hostPort[1] + " && cat <&3");
    }

    private static List<Container> projectContainers(DockerClient docker) {
        return docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(ComposeLabels.PROJECT, PROJECT)).exec();
    }

    @Test
    void upPsAndDownOnPodman() {
        DockerClient docker = podman.docker();
        assertThat(docker.versionCmd().exec().getComponents()).as("the engine on the socket")
                .anyMatch(c -> c.getName().equals("Podman Engine"));

        FigRun up = fig("up", "-d");
        assertThat(up.exit()).as(() -> up.out() + fig("logs").out()).isZero();
        assertThat(up.out()).contains("Creating network figpod_back", "Creating figpod_web_1", "Creating figpod_worker_1",
                "worker is up: http://localhost:18081");

        List<Container> containers = projectContainers(docker);
        assertThat(containers).extracting(c -> c.getNames()[0]).containsExactlyInAnyOrder("/figpod_web_1", "/figpod_worker_1");
        for (Container c : containers) {
            String service = c.getNames()[0].split("_")[1];
            assertThat(c.getLabels()).containsEntry(ComposeLabels.PROJECT, PROJECT).containsEntry(ComposeLabels.SERVICE, service)
                    .containsEntry(ComposeLabels.NUMBER, "1").containsKey(ComposeLabels.CONFIG_HASH);
            assertThat(c.getState()).isEqualTo("running");
        }

        FigRun ps = fig("ps");
        assertThat(ps.exit()).as(ps.out()).isZero();
        String webAddress = fig("port", "web", "8080").out().strip();
        assertThat(webAddress).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(ps.out().lines().skip(1).map(l -> Arrays.asList(l.trim().split("\\s+"))))
                .containsExactly(List.of("figpod_web_1", "running", "healthy", webAddress + "->8080/tcp"),
                        List.of("figpod_worker_1", "running", "127.0.0.1:18081->8081/tcp"));
        assertThat(read(webAddress)).isEqualTo("hello from web\n");
        assertThat(read("127.0.0.1:18081")).as("web's greeting, fetched by worker over the named network").isEqualTo("hello from web\n");

        FigRun down = fig("down", "-v");
        assertThat(down.exit()).as(down.out()).isZero();
        assertThat(down.out()).contains("Removing network figpod_back", "Removing volume figpod_data");
        String label = ComposeLabels.PROJECT + "=" + PROJECT;
        assertThat(projectContainers(docker)).isEmpty();
        assertThat(docker.listNetworksCmd().withFilter("label", List.of(label)).exec()).isEmpty();
        assertThat(docker.listVolumesCmd().withFilter("label", List.of(label)).exec().getVolumes()).isNullOrEmpty();
        assertThat(fig("ps").out().strip().lines()).as("only the header is left").hasSize(1);
    }

    @Test
    void aStoppedDependencyIsNotHealthyEvenIfPodmanSaysSo() {
        FigRun up = fig("up", "-d");
        assertThat(up.exit()).as(() -> up.out() + fig("logs").out()).isZero();
        assertThat(fig("stop", "web").exit()).isZero();
        var web = podman.docker().inspectContainerCmd("figpod_web_1").exec().getState();
        assertThat(web.getRunning()).isFalse();
        assertThat(web.getHealth().getStatus()).as("podman keeps the last status of a stopped container").isEqualTo("healthy");

        FigRun noDeps = fig("up", "-d", "--no-deps", "worker");
        assertThat(noDeps.exit()).as(noDeps.out()).isEqualTo(1);
        assertThat(noDeps.out()).contains("dependency failed to start: container figpod_web_1 is not running");
    }
}
