package shop.engine.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import shop.engine.Engine;
import shop.engine.ServedEngine;
import shop.engine.TestEngines;

/**
 * docker-java, the client Testcontainers and fig use, driving the engine over its socket: the
 * calls fig makes for a stack (networks, labelled containers with aliases, published ports and
 * healthchecks, label filters, logs, exec, build, removal).
 */
@Tag("root")
class DockerJavaClientTest {

    static ServedEngine served;
    static Engine engine;
    static DockerClient docker;

    @BeforeAll
    static void serve() throws IOException {
        served = ServedEngine.start();
        engine = served.engine();
        docker = served.docker();
    }

    @AfterAll
    static void stop() throws IOException {
        served.close();
    }

    @Test
    void aLabelledStackOnItsOwnNetwork() throws Exception {
        docker.pingCmd().exec();
        assertThat(docker.infoCmd().exec().getOsType()).isEqualTo("linux");
        String network = docker.createNetworkCmd().withName("dj_default").withLabels(Map.of("com.docker.compose.project", "dj"))
                .exec().getId();
        assertThat(docker.listNetworksCmd().withFilter("label", List.of("com.docker.compose.project=dj")).exec())
                .extracting(n -> n.getName()).containsExactly("dj_default");

        String web = docker.createContainerCmd("debian:bookworm-slim").withName("dj_web_1")
                .withLabels(Map.of("com.docker.compose.project", "dj", "com.docker.compose.service", "web"))
                .withCmd("bash", "-c", shop.engine.TestEngines.HELLO_SERVER)
                .withExposedPorts(ExposedPort.tcp(8080))
                .withHealthcheck(new HealthCheck().withTest(List.of("CMD", "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080"))
                        .withInterval(100_000_000L).withRetries(3))
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("dj_default")
                        .withPortBindings(new PortBinding(Ports.Binding.bindIp("127.0.0.1"), ExposedPort.tcp(8080))))
                .withAliases("web")
                .exec().getId();
        docker.startContainerCmd(web).exec();

        long deadline = System.currentTimeMillis() + 10_000;
        InspectContainerResponse inspected = docker.inspectContainerCmd(web).exec();
        while (!"healthy".equals(inspected.getState().getHealth().getStatus()) && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            inspected = docker.inspectContainerCmd(web).exec();
        }
        assertThat(inspected.getState().getHealth().getStatus()).isEqualTo("healthy");
        Ports.Binding[] bound = inspected.getNetworkSettings().getPorts().getBindings().get(ExposedPort.tcp(8080));
        assertThat(bound).hasSize(1);
        assertThat(bound[0].getHostPortSpec()).matches("\\d+");
        assertThat(inspected.getNetworkSettings().getNetworks().get("dj_default").getIpAddress()).startsWith("10.86.");

        assertThat(docker.listContainersCmd().withLabelFilter(Map.of("com.docker.compose.project", "dj")).exec())
                .extracting(c -> c.getNames()[0]).containsExactly("/dj_web_1");
        assertThat(docker.listContainersCmd().withLabelFilter(Map.of("com.docker.compose.project", "other")).exec()).isEmpty();

        String client = docker.createContainerCmd("debian:bookworm-slim").withName("dj_client_1")
                .withCmd("bash", "-c", "exec 3<>/dev/tcp/web/8080 && cat <&3")
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("dj_default")).exec().getId();
        docker.startContainerCmd(client).exec();
        assertThat(docker.waitContainerCmd(client).start().awaitStatusCode(30, TimeUnit.SECONDS)).isZero();
        assertThat(logs(client)).isEqualTo("hello from " + inspected.getConfig().getHostName() + "\n");

        String exec = docker.execCreateCmd(web).withCmd("bash", "-c", "echo in $(hostname); exit 3")
                .withAttachStdout(true).withAttachStderr(true).exec().getId();
        StringBuilder out = new StringBuilder();
        docker.execStartCmd(exec).exec(new ResultCallback.Adapter<Frame>() {
            @Override
            public void onNext(Frame frame) {
                out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
            }
        }).awaitCompletion(30, TimeUnit.SECONDS);
        assertThat(out).hasToString("in " + inspected.getConfig().getHostName() + "\n");
        assertThat(docker.inspectExecCmd(exec).exec().getExitCodeLong()).isEqualTo(3);

        assertThatThrownBy(() -> docker.removeNetworkCmd(network).exec()).isInstanceOf(ConflictException.class);
        docker.removeContainerCmd(client).exec();
        docker.removeContainerCmd(web).withForce(true).exec();
        docker.removeNetworkCmd(network).exec();
        assertThatThrownBy(() -> docker.inspectContainerCmd(web).exec()).isInstanceOf(NotFoundException.class);
    }

    @Test
    void buildsAnImageFromADirectory() throws Exception {
        Path context = Files.createTempDirectory("dj-build");
        Files.writeString(context.resolve("Dockerfile"), "FROM debian:bookworm-slim\nRUN echo built > /built\nCMD [\"cat\", \"/built\"]\n");
        String id = docker.buildImageCmd(context.toFile()).withTags(java.util.Set.of("localhost/dj-built:1"))
                .start().awaitImageId(60, TimeUnit.SECONDS);
        // As with Docker, the id comes from "Successfully built <short id>".
        assertThat(docker.inspectImageCmd("localhost/dj-built:1").exec().getId()).startsWith("sha256:" + id);
    }

    private static String logs(String id) throws InterruptedException {
        StringBuilder text = new StringBuilder();
        docker.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true)
                .exec(new ResultCallback.Adapter<Frame>() {
                    @Override
                    public void onNext(Frame frame) {
                        text.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                    }
                }).awaitCompletion(30, TimeUnit.SECONDS);
        return text.toString();
    }
}
