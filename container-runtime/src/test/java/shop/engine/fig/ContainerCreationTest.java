package shop.engine.fig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shop.engine.client.EngineClients;

/**
 * The create request fig sends for a service's container, as docker-java puts it on the wire:
 * every key of the file in Docker's Config and HostConfig, and the other services it names turned
 * into their containers. Nothing is sent (the client points at no engine); what an engine then
 * does with the fields is StackTest's and FigOnTheEngineTest's.
 */
class ContainerCreationTest {

    @TempDir
    Path dir;
    static DockerClient docker;

    @BeforeAll
    static void client() {
        docker = EngineClients.connect("unix:///nonexistent/engine.sock");
    }

    @AfterAll
    static void close() throws Exception {
        docker.close();
    }

    private ProjectSpec project(String yaml) throws Exception {
        Path file = dir.resolve("fig.yml");
        Files.writeString(file, yaml);
        return FigFile.load(file, "demo", List.of(), Map.of()).project();
    }

    /** Each service has one container, demo_SERVICE_1, as fig names them. */
    private static ContainerCreation creation(ProjectSpec project) {
        return new ContainerCreation(docker, project, service -> List.of("demo_" + service + "_1"));
    }

    /** As docker-java's own mapper writes it into the request. */
    private static JsonNode wire(CreateContainerCmd cmd) {
        return DefaultDockerClientConfig.createDefaultConfigBuilder().build().getObjectMapper().valueToTree(cmd);
    }

    @Test
    void everyKeyReachesDockersConfigOrHostConfig() throws Exception {
        ProjectSpec project = project(FigFileTest.everyContainerKey());
        ServiceSpec web = project.service("web");

        CreateContainerCmd cmd = creation(project).command(web, "demo_web_1", ComposeLabels.replica(project, web, 1), null);

        assertThat(List.of(cmd.getHostName(), cmd.getDomainName(), cmd.getMacAddress())).containsExactly("web1", "shop.test", "02:42:ac:11:00:02");
        assertThat(List.of(cmd.isTty(), cmd.isStdinOpen())).containsOnly(true);
        assertThat(cmd.getStopTimeout()).isEqualTo(90);
        HostConfig host = cmd.getHostConfig();
        assertThat(host.getNetworkMode()).as("service:db is db's container").isEqualTo("container:demo_db_1");
        assertThat(host.getIpcMode()).isEqualTo("container:demo_db_1");
        assertThat(host.getPidMode()).isEqualTo("host");
        assertThat(List.of(host.getPrivileged(), host.getReadonlyRootfs(), host.getInit())).containsOnly(true);
        assertThat(host.getDns()).containsExactly("10.0.0.2");
        assertThat(host.getDnsSearch()).containsExactly("shop.test");
        assertThat(host.getExtraHosts()).containsExactly("registry:10.0.0.5");
        assertThat(host.getShmSize()).isEqualTo(128L << 20);
        assertThat(host.getTmpFs()).containsExactly(Map.entry("/run", "size=64m"), Map.entry("/tmp", ""));
        assertThat(host.getSysctls()).containsExactly(Map.entry("net.core.somaxconn", "1024"));
        assertThat(host.getSecurityOpts()).containsExactly("no-new-privileges:true");
        assertThat(host.getCgroupParent()).isEqualTo("shop.slice");
        assertThat(List.of(host.getCpuShares().longValue(), host.getCpuQuota(), host.getMemory(), host.getMemoryReservation(),
                host.getMemorySwap(), host.getMemorySwappiness())).containsExactly(512L, 50000L, 256L << 20, 64L << 20, -1L, 10L);
        assertThat(host.getCpusetCpus()).isEqualTo("0-1");
        assertThat(host.getVolumeDriver()).isEqualTo("local");

        JsonNode sent = wire(cmd).path("HostConfig");
        assertThat(sent.path("CapAdd").toString()).isEqualTo("[\"NET_ADMIN\",\"SYS_TIME\"]");
        assertThat(sent.path("CapDrop").toString()).isEqualTo("[\"MKNOD\"]");
        assertThat(sent.path("Ulimits").toString())
                .isEqualTo("[{\"Name\":\"nofile\",\"Soft\":1024,\"Hard\":4096},{\"Name\":\"nproc\",\"Soft\":512,\"Hard\":512}]");
        assertThat(sent.path("Devices").toString())
                .isEqualTo("[{\"CgroupPermissions\":\"rw\",\"PathOnHost\":\"/dev/fuse\",\"PathInContainer\":\"/dev/fuse\"}]");
        assertThat(sent.path("VolumesFrom").toString()).isEqualTo("[\"demo_db_1:ro\",\"backup:rw\"]");
        assertThat(sent.path("Links").toString()).as("external links only: the stack's own are aliases on its networks")
                .isEqualTo("[\"legacy_db_1:legacy\",\"cache_1:cache_1\"]");
        assertThat(sent.path("LogConfig").toString()).isEqualTo("{\"Type\":\"json-file\",\"Config\":{\"max-size\":\"10m\"}}");
    }

    @Test
    void aFig10LinkIsDockersLinkToEachNameComposeGives() throws Exception {
        ProjectSpec project = project("""
                db:
                  image: debian
                web:
                  image: debian
                  links: ["db:database"]
                  ports: ["127.0.0.1::80"]
                """);
        ServiceSpec web = project.service("web");

        CreateContainerCmd replica = creation(project).command(web, "demo_web_1", ComposeLabels.replica(project, web, 1), null);
        assertThat(replica.getHostConfig().getNetworkMode()).isEqualTo("bridge");
        assertThat(wire(replica).path("HostConfig").path("Links").toString())
                .isEqualTo("[\"demo_db_1:database\",\"demo_db_1:demo_db_1\",\"demo_db_1:db_1\"]");
        assertThat(wire(replica).path("NetworkingConfig").path("EndpointsConfig").size()).as("no aliases on the bridge").isZero();

        Stack.RunOptions run = new Stack.RunOptions(List.of("env"), null, Map.of("EXTRA", "1"), false, false, false, true);
        CreateContainerCmd oneOff = creation(project).command(web, "demo_web_run_1", ComposeLabels.oneOff(project, web, "s"), run);
        assertThat(wire(oneOff).path("HostConfig").path("Links").toString()).as("a one-off links its own service too")
                .contains("\"demo_web_1:web\"");
        assertThat(oneOff.getHostConfig().getPortBindings()).as("ports only with --service-ports").isNull();
        assertThat(oneOff.getEnv()).contains("EXTRA=1");
        assertThat(oneOff.getCmd()).containsExactly("env");
    }

    @Test
    void aOneOffTakesRunsEntrypointAndDropsTheServicesCommand() throws Exception {
        ProjectSpec project = project("""
                services:
                  web:
                    image: debian
                    command: ["serve"]
                    ports: ["127.0.0.1::80"]
                """);
        ServiceSpec web = project.service("web");
        Stack.RunOptions run = new Stack.RunOptions(List.of(), List.of("sh", "-c"), Map.of(), true, true, true, false);

        CreateContainerCmd cmd = creation(project).command(web, "demo_web_run_1", ComposeLabels.oneOff(project, web, "s"), run);

        assertThat(cmd.getEntrypoint()).containsExactly("sh", "-c");
        assertThat(cmd.getCmd()).isEmpty();
        assertThat(cmd.isTty()).isTrue();
        assertThat(cmd.getHostConfig().getPortBindings().getBindings()).as("--service-ports").hasSize(1);
        assertThat(cmd.getLabels()).containsEntry(ComposeLabels.ONE_OFF, "True").doesNotContainKey(ComposeLabels.CONFIG_HASH)
                .doesNotContainKey(ComposeLabels.NUMBER);
    }

    @Test
    void aSharedNamespaceOfAServiceWithoutAContainerIsAnError() throws Exception {
        ProjectSpec project = project("services:\n  db:\n    image: x\n  web:\n    image: x\n    network_mode: service:db\n");
        ContainerCreation none = new ContainerCreation(docker, project, service -> List.of());
        ServiceSpec web = project.service("web");

        assertThatThrownBy(() -> none.command(web, "demo_web_1", Map.of(), null))
                .hasMessage("service web: network_mode service:db: service db has no container; start it first");
    }
}
