package shop.engine.fig;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import shop.engine.client.EngineClients;
import shop.engine.snapshot.Mounts;
import shop.engine.support.HostCommands;

/**
 * A real Podman engine for tests: Debian's {@code podman system service} on a socket in a
 * directory of its own, which also holds its storage, state, network definitions and its whole
 * {@code /run}. It runs in a network namespace and a mount namespace of its own (unshare), so
 * the bridges, iptables rules and ip_forward that netavark sets, and every mount Podman makes,
 * stay there. {@link #stop} ends it by PID, with whatever it left in its namespace, removes the
 * cgroups it made and the directory, and reports anything that would not go.
 */
final class PodmanService {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** Podman 4.3's cgroup parent under cgroupfs, made at the top of each hierarchy. */
    private static final String CGROUP_PARENT = "libpod_parent";
    /**
     * Podman asks for RLIMIT_NOFILE and NPROC of 1048576 in every container, which runc cannot
     * set here (no CAP_SYS_RESOURCE), and it lowers its own NPROC (to 32768 on these machines):
     * the containers get the caller's hard limits, capped at this.
     */
    private static final long RLIMIT_CAP = 4096;
    /** Where root's Podman keeps its blob-info cache whatever it is configured with (shared with skopeo). */
    private static final Path CONTAINERS_LIB = Path.of("/var/lib/containers");

    private final Path dir;
    private final Process process;
    private final List<Path> cgroupsBefore;
    /** Whether {@link #start} made the empty {@link #CONTAINERS_LIB} to mount over, so {@link #stop} removes it. */
    private final boolean madeContainersLib;
    private final String namespace;
    private final DockerClient docker;
    private final DockerHttpClient http;
    private final Thread healthchecks;
    /** Set by {@link #stop}; the timer sees it between rounds (an interrupt mid-request only makes the client retry). */
    private volatile boolean stopping;

    /**
     * What {@link #stop} found left over: processes still in Podman's network namespace after the
     * kill, mounts under the directory (unmounted then), cgroups it could not remove, and whether
     * the directory is still there. All empty and false when the machine is as it was.
     */
    record Leftovers(List<Long> processes, List<String> mounts, List<Path> cgroups, boolean directoryLeft) {
    }

    private PodmanService(Path dir, Process process, List<Path> cgroupsBefore, boolean madeContainersLib) {
        this.dir = dir;
        this.process = process;
        this.cgroupsBefore = cgroupsBefore;
        this.madeContainersLib = madeContainersLib;
        this.docker = EngineClients.connect(host());
        this.http = new ZerodepDockerHttpClient.Builder().dockerHost(URI.create(host())).build();
        awaitSocket();
        this.namespace = namespaceOf(process.pid());
        if (namespace.equals(namespaceOf(ProcessHandle.current().pid()))) {
            process.destroyForcibly();
            throw new IllegalStateException("podman did not get a network namespace of its own");
        }
        this.healthchecks = new Thread(this::runHealthchecks, "podman-healthchecks");
        healthchecks.setDaemon(true);
        healthchecks.start();
    }

    /** Starts a Podman service with everything under a new directory inside {@code parent}. */
    static PodmanService start(Path parent) throws IOException {
        Files.createDirectories(parent);
        Path dir = Files.createTempDirectory(parent.toAbsolutePath(), "p");
        for (String sub : List.of("run", "lib", "tmp", "networks")) {
            Files.createDirectories(dir.resolve(sub));
        }
        // Every default that points at the machine moves here: networks (/etc/containers/networks),
        // locks (/dev/shm/libpod_lock, shared by every podman), state and volumes. No systemd here,
        // so cgroupfs and events in a file; runc, as crun refuses these hybrid cgroups.
        Files.writeString(dir.resolve("containers.conf"), """
                [containers]
                default_ulimits = ["nofile=%1$d:%1$d", "nproc=%2$d:%2$d"]
                [network]
                network_backend = "netavark"
                network_config_dir = "%3$s/networks"
                [engine]
                cgroup_manager = "cgroupfs"
                events_logger = "file"
                image_copy_tmp_dir = "%3$s/tmp"
                lock_type = "file"
                runtime = "runc"
                static_dir = "%3$s/storage/libpod"
                tmp_dir = "%3$s/tmp"
                volume_path = "%3$s/storage/volumes"
                """.formatted(hardLimit("Max open files"), hardLimit("Max processes"), dir));
        Files.writeString(dir.resolve("storage.conf"), """
                [storage]
                driver = "overlay"
                graphroot = "%1$s/storage"
                runroot = "%1$s/storage-run"
                """.formatted(dir));
        List<Path> cgroupsBefore = cgroupParents();
        boolean madeContainersLib = !Files.isDirectory(CONTAINERS_LIB);
        Files.createDirectories(CONTAINERS_LIB);
        // The private /run keeps what Podman puts there (netavark's IPAM database and aardvark-dns
        // configuration, runc's state, the containers' namespace files) off the machine's /run, and
        // the private /var/lib/containers its blob-info cache off the machine's.
        ProcessBuilder service = new ProcessBuilder("unshare", "--net", "--mount", "--propagation", "private",
                "sh", "-c", "ip link set lo up && mount --bind \"$1\" /run && mount --bind \"$2\" " + CONTAINERS_LIB
                        + " && exec podman system service --time=0 \"unix://$3\"",
                "podman-service", dir.resolve("run").toString(), dir.resolve("lib").toString(),
                dir.resolve("podman.sock").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("service.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        service.environment().put("CONTAINERS_CONF", dir.resolve("containers.conf").toString());
        service.environment().put("CONTAINERS_STORAGE_CONF", dir.resolve("storage.conf").toString());
        service.environment().put("TMPDIR", dir.resolve("tmp").toString());
        return new PodmanService(dir, service.start(), cgroupsBefore, madeContainersLib);
    }

    /** The engine's address, for {@code -H} or {@code DOCKER_HOST}. */
    String host() {
        return "unix://" + dir.resolve("podman.sock");
    }

    DockerClient docker() {
        return docker;
    }

    /**
     * Imports a root filesystem tarball as an image, as {@code docker import} does. Not with
     * docker-java's {@code createImageCmd(repository, stream)}: it sends the stream JSON-encoded,
     * as the two bytes "{}".
     */
    void importImage(Path tarball, String name) throws IOException {
        String path = "/v1.41/images/create?fromSrc=-&repo=" + URLEncoder.encode(name, StandardCharsets.UTF_8);
        try (InputStream in = Files.newInputStream(tarball);
             DockerHttpClient.Response response = http.execute(DockerHttpClient.Request.builder()
                     .method(DockerHttpClient.Request.Method.POST).path(path)
                     .putHeader("Content-Type", "application/x-tar").body(in).build())) {
            String progress = new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8);
            if (response.getStatusCode() != 200) {
                throw new IllegalStateException("import of " + tarball + " failed: " + response.getStatusCode() + " " + progress);
            }
        }
        docker.inspectImageCmd(name).exec();
    }

    /** Runs a bash script in Podman's network namespace (where its published ports are); returns stdout. */
    String inNetwork(String script) {
        return HostCommands.run(List.of("nsenter", "--net=/proc/" + process.pid() + "/ns/net", "bash", "-c", script), null,
                "in podman's network namespace");
    }

    private void awaitSocket() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            try {
                docker.pingCmd().exec();
                return;
            } catch (RuntimeException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IllegalStateException("podman system service did not answer on " + host() + ":\n" + log());
                }
                Stack.sleep(100);
            }
        }
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("service.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /**
     * Podman schedules healthchecks as systemd timers that run {@code podman healthcheck run}, and
     * these machines have no systemd, so no check would ever run. This plays the timer: every
     * 500 ms it runs each running container's check through the libpod API, which records the
     * result as the timer's run would. Containers without a healthcheck answer an error, ignored.
     */
    private void runHealthchecks() {
        try {
            while (!stopping) {
                try {
                    for (Container c : docker.listContainersCmd().exec()) {
                        http.execute(DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.GET)
                                .path("/v4.0.0/libpod/containers/" + c.getId() + "/healthcheck").build()).close();
                    }
                } catch (RuntimeException stoppingOrGone) {
                    // The container went away between the list and its check; the next round has the rest.
                }
                Thread.sleep(500);
            }
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Removes every container (all of them are the test's: the storage is private), stops the
     * service by its PID, kills what is left in its network namespace (conmon, aardvark-dns) by
     * PID, removes the cgroup parents it made and the directory.
     */
    Leftovers stop() throws InterruptedException, IOException {
        stopping = true;
        healthchecks.join();
        try (docker; http) {
            for (Container c : docker.listContainersCmd().withShowAll(true).exec()) {
                docker.removeContainerCmd(c.getId()).withForce(true).exec();
            }
        } catch (RuntimeException | IOException e) {
            System.err.println("podman: removing the containers failed (their processes are killed below): " + e);
        }
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        for (long pid : inNamespace()) {
            ProcessHandle.of(pid).ifPresent(p -> {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!inNamespace().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        List<Long> processes = inNamespace();
        List<String> mounts = Mounts.under(dir);
        for (String mount : mounts.stream().sorted(Comparator.reverseOrder()).toList()) {
            HostCommands.run(List.of("umount", "-l", mount), null, "unmount a leftover");
        }
        List<Path> cgroups = new ArrayList<>();
        for (Path parent : cgroupParents()) {
            if (!cgroupsBefore.contains(parent) && Files.isDirectory(parent) && !removeCgroups(parent)) {
                cgroups.add(parent);
            }
        }
        HostCommands.run(List.of("rm", "-rf", "--one-file-system", dir.toString()), null, "remove podman's directory");
        if (madeContainersLib) {
            Files.deleteIfExists(CONTAINERS_LIB);
        }
        return new Leftovers(processes, mounts, cgroups, Files.exists(dir));
    }

    /** The processes in the service's network namespace. */
    private List<Long> inNamespace() {
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            return all.map(ProcessHandle::pid).filter(pid -> namespace.equals(namespaceOf(pid))).toList();
        }
    }

    private static String namespaceOf(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", String.valueOf(pid), "ns", "net")).toString();
        } catch (IOException gone) {
            return "";
        }
    }

    /** Podman's cgroup parent in each hierarchy (v1 controllers, a v2 mount, or a pure v2 tree). */
    private static List<Path> cgroupParents() {
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            return Stream.concat(Stream.of(Path.of("/sys/fs/cgroup")), hierarchies)
                    .map(h -> h.resolve(CGROUP_PARENT)).filter(Files::isDirectory).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** rmdir of a cgroup tree, deepest first; false when one is still in use. */
    private static boolean removeCgroups(Path parent) {
        try (Stream<Path> tree = Files.walk(parent)) {
            for (Path cgroup : tree.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(cgroup);
            }
            return true;
        } catch (IOException busy) {
            return false;
        }
    }

    /** This process's hard limit of a resource (a line of /proc/self/limits), capped at {@link #RLIMIT_CAP}. */
    private static long hardLimit(String resource) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith(resource)) {
                String hard = line.substring(resource.length()).trim().split("\\s+")[1];
                return hard.equals("unlimited") ? RLIMIT_CAP : Math.min(Long.parseLong(hard), RLIMIT_CAP);
            }
        }
        return RLIMIT_CAP;
    }
}
