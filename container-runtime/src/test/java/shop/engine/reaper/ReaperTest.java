package shop.engine.reaper;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import shop.engine.ServedEngine;

/**
 * The reaper in this JVM against a real engine serving its API on a socket, with a client that
 * speaks to it as Testcontainers does (its session labels, URL-encoded, one line per filter set).
 * Timeouts are hundreds of milliseconds; nothing sleeps for a fixed time to see a prune happen:
 * {@link Reaper#awaitAndPrune} returns when it is done.
 */
@Tag("root")
class ReaperTest {

    static ServedEngine served;
    static DockerClient docker;

    final String session = UUID.randomUUID().toString().substring(0, 8);
    final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    final List<Runnable> cleanups = new ArrayList<>();
    Reaper reaper;

    @BeforeAll
    static void serve() throws IOException {
        served = ServedEngine.start();
        docker = served.docker();
    }

    @AfterAll
    static void stop() throws IOException {
        served.close();
    }

    @AfterEach
    void cleanUp() {
        if (reaper != null) {
            reaper.close();
        }
        // Newest first: containers before the networks and volumes they use.
        for (int i = cleanups.size() - 1; i >= 0; i--) {
            try {
                cleanups.get(i).run();
            } catch (NotFoundException e) {
                // the reaper removed it, as it should have
            }
        }
    }

    @Test
    void aSessionsContainersNetworksVolumesAndImagesGoOnceItsClientHasLeftAndNothingElseDoes() throws Exception {
        Map<String, String> ours = sessionLabels(session);
        String network = network("reaper-net-" + session, ours);
        String keptNetwork = network("reaper-kept-net-" + session, Map.of());
        volume("reaper-vol-" + session, ours);
        volume("reaper-kept-vol-" + session, Map.of());
        String web = container("reaper-web-" + session, ours, true,
                c -> c.withHostConfig(HostConfig.newHostConfig().withNetworkMode(network)
                        .withBinds(new Bind("reaper-vol-" + session, new Volume("/data")))));
        String created = container("reaper-created-" + session, ours, false, c -> c);
        String otherSession = container("reaper-other-" + session, sessionLabels("another-" + session), true, c -> c);
        String unlabelled = container("reaper-kept-" + session, Map.of(), false,
                c -> c.withHostConfig(HostConfig.newHostConfig().withNetworkMode(keptNetwork)
                        .withBinds(new Bind("reaper-kept-vol-" + session, new Volume("/data")))));
        Map<String, String> reapersOwn = new HashMap<>(ours);
        reapersOwn.put(Pruner.REAPER_LABEL, "true");
        String reaperContainer = container("reaper-self-" + session, reapersOwn, false, c -> c);
        String image = labelledImage("localhost/reaper-it:" + session, ours);

        Duration reconnection = Duration.ofMillis(300);
        startReaper(reconnection);
        try (Client client = new Client(reaper.port())) {
            assertThat(client.send(sessionFilter(session))).isEqualTo("ACK");
        }
        long left = System.nanoTime();
        int exit = prune().get(30, TimeUnit.SECONDS);

        assertThat(Duration.ofNanos(System.nanoTime() - left)).isGreaterThanOrEqualTo(reconnection);
        assertThat(exit).as(log()).isZero();
        assertThat(containerIds()).doesNotContain(web, created).contains(otherSession, unlabelled, reaperContainer);
        assertThat(docker.listNetworksCmd().exec()).extracting(n -> n.getId()).doesNotContain(network).contains(keptNetwork);
        assertThat(docker.listVolumesCmd().exec().getVolumes()).extracting(v -> v.getName())
                .doesNotContain("reaper-vol-" + session).contains("reaper-kept-vol-" + session);
        // The engine lists every image whatever the filter; the labels decide what goes.
        assertThat(docker.listImagesCmd().exec()).extracting(i -> i.getId()).doesNotContain(image);
        assertThat(docker.inspectImageCmd("debian:bookworm-slim").exec().getId()).isNotEmpty();
        assertThat(log()).contains("removed container reaper-web-" + session, "removed network reaper-net-" + session,
                "removed volume reaper-vol-" + session, "removed image localhost/reaper-it:" + session,
                "removed 2 container(s), 1 network(s), 1 volume(s), 1 image(s)");
    }

    @Test
    void aClientThatReconnectsWithinTheTimeoutKeepsTheSessionAlive() throws Exception {
        String web = container("reaper-web-" + session, sessionLabels(session), false, c -> c);
        Duration reconnection = Duration.ofMillis(400);
        startReaper(reconnection);
        try (Client first = new Client(reaper.port())) {
            assertThat(first.send(sessionFilter(session))).isEqualTo("ACK");
        }
        CompletableFuture<Integer> pruned = prune();
        try (Client again = new Client(reaper.port())) {
            // As Testcontainers does when its connection breaks: connect again and send the filters again.
            assertThat(again.send(sessionFilter(session))).isEqualTo("ACK");
            long holdUntil = System.nanoTime() + 3 * reconnection.toNanos();
            while (System.nanoTime() < holdUntil) {
                assertThat(containerIds()).contains(web);
                Thread.sleep(50);
            }
            assertThat(pruned).isNotDone();
        }
        assertThat(pruned.get(30, TimeUnit.SECONDS)).as(log()).isZero();
        assertThat(containerIds()).doesNotContain(web);
    }

    @Test
    void aLineThatIsNotUrlEncodingGetsAnErrorAndTheConnectionStaysOpen() throws Exception {
        startReaper(Duration.ofMillis(200));
        assertThat(log()).matches("(?s).*Started.*"); // the line Testcontainers' RyukContainer waits for
        try (Client client = new Client(reaper.port())) {
            assertThat(client.send("label=org.testcontainers.sessionId%zz" + session)).isEqualTo(
                    "ERROR parse filter \"label=org.testcontainers.sessionId%zz" + session + "\": invalid URL escape \"%zz\"");
            assertThat(client.send(sessionFilter(session))).isEqualTo("ACK");
        }
        assertThat(prune().get(30, TimeUnit.SECONDS)).as(log()).isZero();
        assertThat(log()).contains("removed 0 container(s), 0 network(s), 0 volume(s), 0 image(s)");
    }

    /** The labels Testcontainers puts on everything of a session (DockerClientFactory.DEFAULT_LABELS, in part). */
    private static Map<String, String> sessionLabels(String session) {
        return Map.of("org.testcontainers", "true", "org.testcontainers.sessionId", session);
    }

    /** The line Testcontainers sends for a session: each label a URLEncoder-encoded "label=key=value". */
    private static String sessionFilter(String session) {
        StringBuilder line = new StringBuilder();
        sessionLabels(session).forEach((key, value) -> line.append(line.length() == 0 ? "" : "&")
                .append("label=").append(URLEncoder.encode(key + "=" + value, StandardCharsets.UTF_8)));
        return line.toString();
    }

    private void startReaper(Duration reconnection) {
        reaper = new Reaper(docker, new ReaperConfig(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Duration.ofSeconds(10), reconnection, 3), new PrintStream(logged, true, StandardCharsets.UTF_8));
        reaper.start();
    }

    private CompletableFuture<Integer> prune() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return reaper.awaitAndPrune();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private String log() {
        return logged.toString(StandardCharsets.UTF_8);
    }

    private static Set<String> containerIds() {
        return Set.copyOf(docker.listContainersCmd().withShowAll(true).exec().stream().map(c -> c.getId()).toList());
    }

    private String container(String name, Map<String, String> labels, boolean started,
                             UnaryOperator<CreateContainerCmd> configure) {
        String id = configure.apply(docker.createContainerCmd("debian:bookworm-slim").withName(name).withLabels(labels)
                .withCmd("sleep", "300")).exec().getId();
        cleanups.add(() -> docker.removeContainerCmd(id).withForce(true).exec());
        if (started) {
            docker.startContainerCmd(id).exec();
        }
        return id;
    }

    private String network(String name, Map<String, String> labels) {
        String id = docker.createNetworkCmd().withName(name).withLabels(labels).exec().getId();
        cleanups.add(() -> docker.removeNetworkCmd(id).exec());
        return id;
    }

    private void volume(String name, Map<String, String> labels) {
        docker.createVolumeCmd().withName(name).withLabels(labels).exec();
        cleanups.add(() -> docker.removeVolumeCmd(name).exec());
    }

    /** An image with the session's labels, as a Testcontainers ImageFromDockerfile build gets them. */
    private String labelledImage(String tag, Map<String, String> labels) throws IOException {
        Path context = Files.createTempDirectory("reaper-image");
        StringBuilder dockerfile = new StringBuilder("FROM debian:bookworm-slim\n");
        labels.forEach((key, value) -> dockerfile.append("LABEL ").append(key).append('=').append(value).append('\n'));
        Files.writeString(context.resolve("Dockerfile"), dockerfile);
        docker.buildImageCmd(context.toFile()).withTags(Set.of(tag)).start().awaitImageId(60, TimeUnit.SECONDS);
        String id = docker.inspectImageCmd(tag).exec().getId();
        cleanups.add(() -> docker.removeImageCmd(id).exec());
        return id;
    }

    /** A client of the reaper's protocol: one line out, one line back. */
    private static final class Client implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;

        Client(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        }

        String send(String line) throws IOException {
            socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            return in.readLine();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
