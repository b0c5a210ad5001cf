package shop.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import shop.engine.container.Container;
import shop.engine.container.ContainerService;
import shop.engine.container.HostConfig;
import shop.engine.image.BaseImages;
import shop.engine.image.ContainerConfig;
import shop.engine.network.BridgeNetworks;
import shop.engine.network.Network;
import shop.engine.network.NetworkService;
import shop.engine.snapshot.Mounts;
import shop.engine.support.Json;

/**
 * Engines over one state directory under target/, shared by the integration tests so the
 * debian base image is imported and unpacked once per build. Needs root, crun, runc and the
 * debootstrap tarball that ci-prereqs.sh makes.
 */
public final class TestEngines {

    public static final Path STATE = Path.of("target/engine-it").toAbsolutePath();

    /**
     * A bash script for the Debian base, which has no netcat: a line of perl (perl-base is
     * essential) that prints "listening", then answers every connection on port 8080 with
     * "hello from <hostname>" and closes it.
     */
    public static final String HELLO_SERVER = "exec perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new(LocalPort => 8080, "
            + "Listen => 5, ReuseAddr => 1) or die $!; $h = `hostname`; chomp $h; $| = 1; print \"listening\\n\"; "
            + "while ($c = $s->accept) { print $c \"hello from $h\\n\"; close $c }'";

    private TestEngines() {
    }

    /**
     * Removes every container (with its anonymous volumes) and user network, stops supervising,
     * and checks that nothing is left behind: no overlay mount, no network namespace.
     */
    public static void removeEverything(Engine engine) {
        for (Container c : engine.containers().list(true)) {
            engine.containers().remove(c.id(), true, true);
        }
        for (Network n : engine.networks().list()) {
            if (!n.name().equals(NetworkService.DEFAULT)) {
                engine.networks().remove(n.id());
            }
        }
        engine.containers().close();
        assertThat(Mounts.under(STATE.resolve("snapshots/active"))).isEmpty();
        assertThat(leftoverNamespaces()).isEmpty();
        for (Network n : engine.networks().list()) {
            assertThat(Path.of("/sys/class/net", n.bridge())).as("bridge of %s", n.name()).doesNotExist();
        }
    }

    /** The network namespaces the tests' engine (over STATE) still has. */
    public static List<String> leftoverNamespaces() {
        try (var files = Files.list(Path.of("/run/netns"))) {
            String ours = BridgeNetworks.namespacePrefix(STATE);
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(ours)).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Clock ticks since boot: the unit of a process's start time in /proc/PID/stat. */
    public static long ticksSinceBoot() throws IOException {
        return (long) (Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]) * 100);
    }

    /**
     * The zombie children of this process (the tests' engines run in it) started since
     * {@code sinceTicks} that stay for 3 s, with what /proc says of each; a process the JDK started
     * is one only for the moment before it reaps it. Earlier ones belong to another test class: the
     * init of a container whose start never watched it waits a minute for its watch (InitProcess).
     */
    public static List<String> lastingZombieChildren(long sinceTicks) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + 3_000;
        while (System.currentTimeMillis() < deadline && !zombieChildren(sinceTicks).isEmpty()) {
            Thread.sleep(50);
        }
        return zombieChildren(sinceTicks);
    }

    private static List<String> zombieChildren(long sinceTicks) throws IOException {
        List<String> zombies = new java.util.ArrayList<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                String children = Files.exists(task.resolve("children")) ? Files.readString(task.resolve("children")).strip() : "";
                for (String pid : children.isEmpty() ? new String[0] : children.split(" ")) {
                    Path stat = Path.of("/proc", pid, "stat");
                    String line = Files.exists(stat) ? Files.readString(stat) : "";
                    // After the command: state (field 3), ..., start time (field 22).
                    String[] fields = line.isEmpty() ? new String[0] : line.substring(line.lastIndexOf(')') + 2).split(" ");
                    if (fields.length > 19 && fields[0].equals("Z") && Long.parseLong(fields[19]) >= sinceTicks) {
                        zombies.add(line.strip());
                    }
                }
            }
        }
        return zombies;
    }

    public record Ran(int exit, String output) {
    }

    /** Runs a container of {@code image} (with {@code cmd}, or the image's own when empty) to its end; removes it and its anonymous volumes. */
    public static Ran run(Engine engine, String image, String... cmd) {
        ContainerService containers = engine.containers();
        Container c = containers.create(new ContainerService.CreateRequest(null, image,
                cmd.length == 0 ? null : ContainerConfig.EMPTY.withCmd(List.of(cmd)), null));
        containers.start(c.id());
        int exit = containers.await(c.id(), ContainerService.WaitCondition.NOT_RUNNING);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        containers.logs(c.id(), ContainerService.LogOptions.ALL, out, out);
        containers.remove(c.id(), true, true);
        return new Ran(exit, out.toString());
    }

    /** A HostConfig from Docker's field names, as a create body carries it. */
    public static HostConfig hostConfig(Map<String, Object> fields) {
        return Json.MAPPER.convertValue(fields, HostConfig.class);
    }

    public static Engine open(String runtime) {
        Engine engine = Engine.open(STATE, runtime);
        engine.baseImages().resolve(BaseImages.DEBIAN);
        return engine;
    }
}
