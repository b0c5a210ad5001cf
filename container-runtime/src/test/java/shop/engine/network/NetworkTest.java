package shop.engine.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import shop.engine.Engine;
import shop.engine.TestEngines;
import shop.engine.container.Container;
import shop.engine.container.ContainerService;
import shop.engine.container.HostConfig;
import shop.engine.image.BaseImages;
import shop.engine.image.ContainerConfig;
import shop.engine.support.EngineException;
import shop.engine.support.HostCommands;

/**
 * Bridge networks with real crun containers, veth pairs and namespaces, as root. Servers are
 * {@link TestEngines#HELLO_SERVER}; clients use bash's /dev/tcp, which resolves names through
 * /etc/hosts like any libc program.
 */
@Tag("root")
class NetworkTest {

    Engine engine;
    ContainerService containers;

    @BeforeEach
    void open() {
        engine = TestEngines.open("crun");
        containers = engine.containers();
    }

    @AfterEach
    void removeEverything() {
        TestEngines.removeEverything(engine);
    }

    private Container run(String name, String network, Map<String, List<String>> aliases,
                          Map<String, List<HostConfig.PortBinding>> ports, String script) {
        HostConfig host = TestEngines.hostConfig(Map.of("NetworkMode", network, "PortBindings", ports));
        Container c = containers.create(new ContainerService.CreateRequest(name, BaseImages.DEBIAN,
                ContainerConfig.EMPTY.withCmd(List.of("bash", "-c", script)), host, aliases));
        containers.start(c.id());
        return c;
    }

    private Container server(String name, String network, Map<String, List<HostConfig.PortBinding>> ports) {
        Container c = run(name, network, Map.of(), ports, TestEngines.HELLO_SERVER);
        awaitLog(c, "listening");
        return c;
    }

    private void awaitLog(Container c, String text) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!logs(c).contains(text)) {
            assertThat(System.currentTimeMillis()).as("log of %s: %s", c.name(), logs(c)).isLessThan(deadline);
            sleep(20);
        }
    }

    private String logs(Container c) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        containers.logs(c.id(), ContainerService.LogOptions.ALL, out, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private String finish(Container c) {
        containers.await(c.id(), ContainerService.WaitCondition.NOT_RUNNING);
        return logs(c);
    }

    private static String fetch(String host) {
        return "exec 3<>/dev/tcp/" + host + "/8080 && cat <&3";
    }

    @Test
    void containersOnOneNetworkReachEachOtherByNameAndAlias() {
        engine.networks().create(new NetworkService.CreateRequest("shopnet", null, null, Map.of("purpose", "test")));
        Container web = server("web", "shopnet", Map.of());
        String webShortId = web.shortId();

        Container byName = run("client1", "shopnet", Map.of(), Map.of(), fetch("web"));
        Container byAlias = run("client2", "shopnet", Map.of("shopnet", List.of("shop-client")), Map.of(), fetch("web"));

        assertThat(finish(byName)).isEqualTo("hello from " + webShortId + "\n");
        assertThat(finish(byAlias)).isEqualTo("hello from " + webShortId + "\n");
        // The earlier container learned the later ones' names: its hosts file is rewritten in place.
        assertThat(exec(web, "getent hosts shop-client")).contains(engine.networks().inspect("shopnet")
                .endpoints().get(byAlias.id()).ipAddress());
    }

    @Test
    void networksAreIsolatedFromEachOther() {
        engine.networks().create(new NetworkService.CreateRequest("front", null, null, Map.of()));
        engine.networks().create(new NetworkService.CreateRequest("back", null, null, Map.of()));
        server("db", "back", Map.of());
        String backIp = engine.networks().inspect("back").endpoints().values().iterator().next().ipAddress();

        Container outsider = run("outsider", "front", Map.of(), Map.of(),
                "getent hosts db || echo unknown; timeout 2 bash -c 'exec 3<>/dev/tcp/" + backIp + "/8080' 2>/dev/null || echo unreachable");

        assertThat(finish(outsider)).isEqualTo("unknown\nunreachable\n");
    }

    @Test
    void aPublishedPortIsAnsweredFromTheHost() throws Exception {
        Container web = server("published", NetworkService.DEFAULT, Map.of("8080/tcp", List.of(new HostConfig.PortBinding("127.0.0.1", ""))));

        List<PortProxy.Binding> ports = containers.inspect(web.id()).ports();
        assertThat(ports).hasSize(1);
        assertThat(ports.get(0).hostPort()).isPositive();
        assertThat(read(ports.get(0).hostPort())).isEqualTo("hello from " + web.shortId() + "\n");
        assertThat(read(ports.get(0).hostPort())).as("a second connection").isEqualTo("hello from " + web.shortId() + "\n");

        containers.stop(web.id(), 1);
        assertThatThrownBy(() -> read(ports.get(0).hostPort())).as("the port closes with the container").isInstanceOf(IOException.class);
    }

    @Test
    void anEngineRestartPublishesTheSamePortAgain() throws Exception {
        // A port the kernel never hands out on its own, so nothing else can take it while the engine is away.
        int port = freePortBelowTheEphemeralRange();
        Container web = server("survivor", NetworkService.DEFAULT,
                Map.of("8080/tcp", List.of(new HostConfig.PortBinding("127.0.0.1", String.valueOf(port)))));
        // As if the engine's process ended: its listeners close. The new engine could not bind the
        // same port again if the old listener were still open.
        restartEngine();

        assertThat(containers.inspect(web.id()).ports().get(0).hostPort()).isEqualTo(port);
        assertThat(read(port)).isEqualTo("hello from " + web.shortId() + "\n");
    }

    @Test
    void aPickedPortTakenWhileTheEngineWasAwayIsPickedAnewAndTheRestRecover() throws Exception {
        Container web = server("moved", NetworkService.DEFAULT, Map.of("8080/tcp", List.of(new HostConfig.PortBinding("127.0.0.1", ""))));
        Container other = server("unmoved", NetworkService.DEFAULT, Map.of("8080/tcp", List.of(new HostConfig.PortBinding("127.0.0.1", ""))));
        int port = containers.inspect(web.id()).ports().get(0).hostPort();
        int otherPort = containers.inspect(other.id()).ports().get(0).hostPort();
        containers.close();
        try (ServerSocket squatter = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            engine = TestEngines.open("crun");
            containers = engine.containers();
            containers.recover();

            int moved = containers.inspect(web.id()).ports().get(0).hostPort();
            assertThat(moved).isNotEqualTo(port);
            assertThat(read(moved)).isEqualTo("hello from " + web.shortId() + "\n");
            assertThat(read(otherPort)).isEqualTo("hello from " + other.shortId() + "\n");
        }
    }

    @Test
    void aTakenHostPortFailsTheStartAndRunsNothing() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            HostConfig host = TestEngines.hostConfig(Map.of("PortBindings",
                    Map.of("8080", List.of(new HostConfig.PortBinding("127.0.0.1", String.valueOf(taken.getLocalPort()))))));
            Container c = containers.create(new ContainerService.CreateRequest("clash", BaseImages.DEBIAN,
                    ContainerConfig.EMPTY.withCmd(List.of("sleep", "60")), host));

            assertThatThrownBy(() -> containers.start(c.id())).isInstanceOf(EngineException.class)
                    .hasMessageContaining("Bind for 127.0.0.1:" + taken.getLocalPort() + " failed");
            assertThat(containers.inspect(c.id()).state().running()).isFalse();
        }
    }

    @Test
    void noneHasOnlyLoopbackAndBridgeHasNoRouteOffTheMachine() {
        Container none = run("isolated", "none", Map.of(), Map.of(), "ls /sys/class/net");
        Container bridged = run("bridged", NetworkService.DEFAULT, Map.of(), Map.of(),
                "ls /sys/class/net; timeout 2 bash -c 'exec 3<>/dev/tcp/198.51.100.1/80' 2>&1 | grep -q 'Network is unreachable' && echo no route");

        assertThat(finish(none)).isEqualTo("lo\n");
        assertThat(finish(bridged)).isEqualTo("eth0\nlo\nno route\n");
    }

    @Test
    void removingAContainerLeavesNoNamespaceNoVethAndFreesItsAddress() throws InterruptedException {
        Network network = engine.networks().create(new NetworkService.CreateRequest("tidy", null, "10.86.200.0/28", Map.of()));
        Container c = run("tidy1", "tidy", Map.of(), Map.of(), "sleep 60");
        Endpoint endpoint = engine.networks().endpoints(c.id()).get("tidy");
        assertThat(endpoint.ipAddress()).isEqualTo("10.86.200.2");
        assertThat(Path.of("/sys/class/net", endpoint.hostInterface())).exists();
        assertThat(Path.of("/sys/class/net", network.bridge())).exists();

        assertThatThrownBy(() -> engine.networks().remove("tidy")).isInstanceOf(EngineException.class)
                .hasMessageContaining("has active endpoints");
        containers.remove(c.id(), true);

        // The veth pair goes with the namespace, which the kernel tears down just after.
        Path veth = Path.of("/sys/class/net", endpoint.hostInterface());
        for (int i = 0; i < 100 && Files.exists(veth); i++) {
            Thread.sleep(20);
        }
        assertThat(veth).as("gone within 2 s").doesNotExist();
        assertThat(TestEngines.leftoverNamespaces()).isEmpty();
        assertThat(engine.networks().inspect("tidy").endpoints()).isEmpty();
        engine.networks().remove("tidy");
        assertThat(Path.of("/sys/class/net", network.bridge())).doesNotExist();
    }

    /**
     * A containers' cached MAC for the host (the bridge's address) stays right: a bridge left to
     * take its lowest port's MAC changed it as containers came and went, and replies to published
     * ports went to the old one until the cache expired (a read through the gateway hung 10 s).
     */
    @Test
    void theBridgeKeepsItsMacWhileContainersComeAndGo() throws IOException {
        Network network = engine.networks().create(new NetworkService.CreateRequest("steady", null, "10.86.201.0/28", Map.of()));
        Path address = Path.of("/sys/class/net", network.bridge(), "address");
        run("steady1", "steady", Map.of(), Map.of(), "sleep 60");
        String mac = Files.readString(address).strip();
        assertThat(mac).isEqualTo("02:42:0a:56:c9:01");
        for (int i = 2; i <= 7; i++) {
            run("steady" + i, "steady", Map.of(), Map.of(), "sleep 60");
            assertThat(Files.readString(address).strip()).as("after steady%d came", i).isEqualTo(mac);
        }
        for (int i = 2; i <= 7; i++) {
            containers.remove(containers.inspect("steady" + i).id(), true);
            assertThat(Files.readString(address).strip()).as("after steady%d went", i).isEqualTo(mac);
        }
        // A bridge an engine from before this fix made (its MAC any port's) gets it with its next container.
        HostCommands.run(List.of("ip", "link", "set", network.bridge(), "address", "0a:00:00:00:00:01"), null, "unfix the MAC");
        run("steady8", "steady", Map.of(), Map.of(), "sleep 60");
        assertThat(Files.readString(address).strip()).isEqualTo(mac);
    }

    @Test
    void aConnectedRunningContainerJoinsAtOnce() {
        engine.networks().create(new NetworkService.CreateRequest("late", null, null, Map.of()));
        server("late-web", "late", Map.of());
        Container c = run("joiner", NetworkService.DEFAULT, Map.of(), Map.of(), "sleep 60");

        containers.connect(c.id(), "late", List.of());

        assertThat(exec(c, fetch("late-web"))).startsWith("hello from ");
        containers.disconnect(c.id(), "late");
        assertThat(exec(c, "ls /sys/class/net")).isEqualTo("eth0\nlo\n");
    }

    @Test
    void badNetworkRequestsAreRefusedAndLeaveNothing() {
        assertThatThrownBy(() -> engine.networks().create(new NetworkService.CreateRequest("bad name", null, null, Map.of())))
                .isInstanceOf(EngineException.class).hasMessageContaining("network name");
        assertThatThrownBy(() -> engine.networks().create(new NetworkService.CreateRequest("x", "overlay", null, Map.of())))
                .isInstanceOf(EngineException.class).hasMessageContaining("overlay");
        assertThatThrownBy(() -> engine.networks().create(new NetworkService.CreateRequest("x", null, "10.0.0.0/8", Map.of())))
                .isInstanceOf(EngineException.class).hasMessageContaining("/16 to /29");
        assertThatThrownBy(() -> engine.networks().create(new NetworkService.CreateRequest(NetworkService.DEFAULT, null, null, Map.of())))
                .isInstanceOf(EngineException.class).extracting(e -> ((EngineException) e).kind()).isEqualTo(EngineException.Kind.CONFLICT);
        assertThatThrownBy(() -> engine.networks().remove(NetworkService.DEFAULT)).hasMessageContaining("pre-defined");
        assertThatThrownBy(() -> TestEngines.hostConfig(Map.of("PortBindings", Map.of("53/udp", List.of())))).hasMessageContaining("tcp");

        assertThatThrownBy(() -> run("lost", "no-such-network", Map.of(), Map.of(), "true"))
                .isInstanceOf(EngineException.class).hasMessageContaining("network no-such-network not found");
        assertThat(containers.list(true)).isEmpty();
        assertThat(engine.networks().inspect(NetworkService.DEFAULT).endpoints()).isEmpty();
    }

    private String exec(Container c, String script) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        containers.exec(c.id(), new ContainerService.ExecRequest(List.of("bash", "-c", script), List.of(), null, null), null, out, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private void restartEngine() {
        containers.close();
        engine = TestEngines.open("crun");
        containers = engine.containers();
        containers.recover();
    }

    private static int freePortBelowTheEphemeralRange() throws IOException {
        int lowest = Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                .strip().split("\\s+")[0]);
        for (int port = lowest - 1; port > lowest - 2_000; port--) {
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // Try the next one down.
            }
        }
        throw new IOException("no free port below " + lowest);
    }

    private static String read(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            socket.setSoTimeout(5_000);
            InputStream in = socket.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (text.isEmpty()) {
                throw new IOException("connection closed without an answer");
            }
            return text;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
