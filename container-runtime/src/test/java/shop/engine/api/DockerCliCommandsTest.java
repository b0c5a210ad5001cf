package shop.engine.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import shop.engine.TestTars;

/**
 * The docker CLI's everyday commands beyond run, ps and logs, against the engine: cp both ways
 * before and after start, top, stats, pause, rename, restart, diff, commit, history, export,
 * system df, the prunes and events; and the bad inputs of their endpoints, over plain HTTP.
 */
@Tag("root")
class DockerCliCommandsTest extends ServedDockerCli {

    static final String WAITS = "trap 'exit 0' TERM; while :; do sleep 0.1; done";

    @RegisterExtension
    static final ServedCli ENGINE = new ServedCli();

    private final DockerCli cli = ENGINE.cli();

    private DockerCli.Result docker(String... args) throws Exception {
        return cli.run(args);
    }

    private String ok(String... args) throws Exception {
        return cli.ok(args);
    }

    @Test
    void cpCopiesIntoACreatedContainerAndOutOfARunningOne(@TempDir Path host) throws Exception {
        Files.writeString(host.resolve("hello.txt"), "hello from the host\n");
        Files.createDirectories(host.resolve("tree/nested"));
        Files.writeString(host.resolve("tree/nested/deep.txt"), "deep\n");
        ok("create", "--name", "cp-box", "debian:bookworm-slim", "sh", "-c", "cat /tmp/hello.txt; " + WAITS);
        ok("cp", host.resolve("hello.txt").toString(), "cp-box:/tmp/hello.txt");
        ok("cp", host.resolve("tree").toString(), "cp-box:/opt/");
        ok("start", "cp-box");
        assertThat(awaitLogs("cp-box", "hello from the host")).isTrue();
        assertThat(ok("exec", "cp-box", "cat", "/opt/tree/nested/deep.txt")).isEqualTo("deep\n");

        ok("exec", "cp-box", "sh", "-c", "mkdir -p /made/sub && echo made > /made/sub/file && ln -s sub/file /made/link");
        ok("cp", "cp-box:/made", host.resolve("out").toString());
        assertThat(Files.readString(host.resolve("out/sub/file"))).isEqualTo("made\n");
        assertThat(Files.isSymbolicLink(host.resolve("out/link"))).as("a symlink is copied as one").isTrue();
        assertThat(docker("cp", "cp-box:/no/such/file", host.toString()).out()).contains("Could not find the file /no/such/file");
        ok("rm", "-f", "cp-box");
    }

    @Test
    void topStatsPauseRenameAndRestartAct(@TempDir Path host) throws Exception {
        ok("run", "-d", "--name", "ops", "debian:bookworm-slim", "sh", "-c", WAITS);
        ok("run", "-d", "--name", "ops-taken", "debian:bookworm-slim", "sh", "-c", WAITS);
        assertThat(ok("top", "ops")).contains("PID").contains("sleep");
        assertThat(ok("top", "ops", "-o", "pid,comm")).contains("COMMAND").doesNotContain("UID");
        String stats = ok("stats", "--no-stream", "--format", "{{.Name}} {{.MemUsage}} {{.PIDs}}", "ops");
        assertThat(stats).startsWith("ops ").containsPattern("\\d+(\\.\\d+)?[KMG]iB / \\d").doesNotContain(" 0B /");

        ok("pause", "ops");
        assertThat(ok("inspect", "--format", "{{.State.Status}} {{.State.Paused}} {{.State.Running}}", "ops").strip())
                .isEqualTo("paused true true");
        assertThat(ok("ps")).contains("(Paused)");
        assertThat(docker("pause", "ops").out()).contains("already paused");
        ok("unpause", "ops");
        assertThat(docker("unpause", "ops").out()).contains("is not paused");

        ok("rename", "ops", "ops-renamed");
        assertThat(docker("inspect", "ops").exit()).isNotZero();
        assertThat(docker("rename", "ops-renamed", "ops-taken").out()).contains("already in use");

        String started = ok("inspect", "--format", "{{.State.StartedAt}}", "ops-renamed").strip();
        ok("restart", "-t", "5", "ops-renamed");
        assertThat(ok("inspect", "--format", "{{.State.Running}} {{.State.StartedAt}}", "ops-renamed").strip())
                .startsWith("true ").isNotEqualTo("true " + started);
        ok("rm", "-f", "ops-renamed", "ops-taken");
    }

    @Test
    void diffCommitHistoryAndExportSeeTheContainersChanges(@TempDir Path host) throws Exception {
        ok("run", "--name", "changer", "debian:bookworm-slim", "sh", "-c",
                "echo new > /added.txt; rm /etc/issue; echo changed >> /etc/debian_version");
        String diff = ok("diff", "changer");
        assertThat(diff.lines()).contains("A /added.txt", "D /etc/issue", "C /etc/debian_version", "C /etc");

        ok("commit", "-c", "CMD [\"cat\", \"/added.txt\"]", "-m", "added a file", "changer", "localhost/committed:1");
        assertThat(ok("run", "--rm", "localhost/committed:1")).isEqualTo("new\n");
        assertThat(ok("history", "localhost/committed:1")).contains("added a file");

        Path exported = host.resolve("changer.tar");
        ok("export", "-o", exported.toString(), "changer");
        List<String> entries = tarEntries(exported);
        assertThat(entries).contains("added.txt").doesNotContain("etc/issue").anyMatch(e -> e.startsWith("usr/bin/"));
        ok("rm", "changer");
        ok("rmi", "localhost/committed:1");
    }

    @Test
    void systemDfAndPrunesRemoveOnlyWhatIsUnused() throws Exception {
        ok("create", "--name", "prune-me", "--label", "prune=yes", "debian:bookworm-slim", "true");
        ok("create", "--name", "keep-me", "debian:bookworm-slim", "true");
        ok("run", "-d", "--name", "running-kept", "--label", "prune=yes", "debian:bookworm-slim", "sh", "-c", WAITS);
        String df = ok("system", "df");
        assertThat(df).contains("Images").contains("Containers").contains("Local Volumes");

        String pruned = ok("container", "prune", "-f", "--filter", "label=prune=yes");
        String id = ok("inspect", "--format", "{{.Id}}", "keep-me").strip();
        assertThat(pruned).contains("Deleted Containers").doesNotContain(id);
        assertThat(docker("inspect", "prune-me").exit()).as("pruned").isNotZero();
        assertThat(docker("inspect", "running-kept").exit()).as("running containers stay").isZero();

        ok("commit", "keep-me");
        assertThat(ok("images", "--filter", "dangling=true", "-q")).isNotBlank();
        ok("image", "prune", "-f");
        assertThat(ok("images", "--filter", "dangling=true", "-q")).isBlank();
        assertThat(ok("images", "--filter", "reference=debian:*", "--format", "{{.Repository}}:{{.Tag}}"))
                .contains("debian:bookworm-slim");
        ok("rm", "-f", "keep-me", "running-kept");
    }

    @Test
    void eventsTellTheLifeOfAContainer() throws Exception {
        long since = Instant.now().getEpochSecond();
        ok("run", "--rm", "--name", "eventful", "debian:bookworm-slim", "true");
        // An until already past when the call arrives: the events before it, then the end.
        Instant now = Instant.now();
        String until = now.getEpochSecond() + "." + String.format("%09d", now.getNano());
        String events = ok("events", "--since", String.valueOf(since), "--until", until,
                "--filter", "container=eventful", "--format", "{{.Type}} {{.Action}}");
        assertThat(events.lines()).containsSubsequence("container create", "container start", "container die",
                "container destroy");
    }

    @Test
    void rmiOfAnImageAContainerUsesIsAConflictAndForcedOnlyDropsItsName() throws Exception {
        ok("run", "--name", "maker", "debian:bookworm-slim", "true");
        ok("commit", "maker", "localhost/only-name:1");
        ok("create", "--name", "image-user", "localhost/only-name:1", "echo", "still runs");
        DockerCli.Result refused = docker("rmi", "localhost/only-name:1");
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.out()).contains("image is being used by stopped container");
        ok("rmi", "-f", "localhost/only-name:1");
        assertThat(docker("image", "inspect", "localhost/only-name:1").exit()).isNotZero();
        assertThat(ok("start", "-a", "image-user")).isEqualTo("still runs\n");
        ok("rm", "image-user", "maker");
    }

    /** Waits until the container's logs contain the text. */
    private boolean awaitLogs(String container, String text) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            if (cli.run("logs", container).out().contains(text)) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private static List<String> tarEntries(Path tar) throws IOException {
        List<String> names = new java.util.ArrayList<>();
        try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(Files.newInputStream(tar))) {
            for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName().replaceAll("/$", ""));
            }
        }
        return names;
    }

    // --- bad input ---

    @Test
    void malformedOrUnknownFiltersAreA400NamingThem() throws Exception {
        assertThat(cli.http("GET", "/containers/json?filters=%7Bbad", null)).startsWith("400 ").contains("filters");
        assertThat(cli.http("GET", "/containers/json?filters=%7B%22nope%22%3A%5B%22x%22%5D%7D", null))
                .startsWith("400 ").contains("invalid filter 'nope'");
        assertThat(cli.http("GET", "/images/json?filters=%5B1%5D", null)).startsWith("400 ").contains("filters");
        assertThat(cli.http("GET", "/containers/json?filters=%7B%22status%22%3A%5B%22sleepy%22%5D%7D", null))
                .startsWith("400 ").contains("status=sleepy");
        assertThat(cli.http("GET", "/events?until=yesterday", null)).startsWith("400 ").contains("until");
    }

    @Test
    void renameToATakenNameAndPauseOrUnpauseInTheWrongStateAre409s() throws Exception {
        ok("create", "--name", "idle-a", "debian:bookworm-slim", "true");
        ok("run", "-d", "--name", "busy-b", "debian:bookworm-slim", "sh", "-c", WAITS);
        assertThat(cli.http("POST", "/containers/idle-a/rename?name=busy-b", null)).startsWith("409 ").contains("already in use");
        assertThat(cli.http("POST", "/containers/idle-a/rename?name=bad%20name", null)).startsWith("400 ");
        assertThat(cli.http("POST", "/containers/idle-a/pause", null)).startsWith("409 ").contains("is not running");
        assertThat(cli.http("POST", "/containers/busy-b/unpause", null)).startsWith("409 ").contains("is not paused");
        String exec = cli.http("POST", "/containers/busy-b/exec", "{\"Cmd\":[\"true\"]}");
        String execId = exec.replaceAll(".*\"Id\":\"([0-9a-f]+)\".*", "$1");
        assertThat(cli.http("POST", "/exec/" + execId + "/resize?h=24&w=80", null)).startsWith("400 ").contains("TTY");
        ok("rm", "-f", "idle-a", "busy-b");
    }

    @Test
    void anArchiveWithEscapingEntriesIsRefusedWholeAndWritesNothing() throws Exception {
        ok("create", "--name", "target-box", "debian:bookworm-slim", "true");
        record Bad(String why, TestTars tar) {
        }
        for (Bad bad : List.of(
                new Bad("..", new TestTars().file("first.txt", "x").rawFile("../escaped.txt", "x")),
                new Bad("absolute", new TestTars().file("first.txt", "x").rawFile("/abs.txt", "x")),
                new Bad("through its own symlink", new TestTars().file("first.txt", "x").symlink("up", "/")
                        .file("up/tmp/through-link.txt", "x")),
                new Bad("hardlink out", new TestTars().file("first.txt", "x").hardlink("hard", "../../etc/shadow")))) {
            assertThat(cli.http("PUT", "/containers/target-box/archive?path=/tmp", bad.tar().bytes(), "application/x-tar"))
                    .as(bad.why()).startsWith("400 ");
            assertThat(cli.http("HEAD", "/containers/target-box/archive?path=/tmp/first.txt", null))
                    .as(bad.why() + ": nothing written, not even the entries before the bad one").startsWith("404");
        }
        assertThat(cli.http("PUT", "/containers/target-box/archive?path=/no/such/dir", new TestTars().file("a", "x").bytes(),
                "application/x-tar")).startsWith("404 ");
        assertThat(cli.http("PUT", "/containers/target-box/archive?path=/etc/debian_version",
                new TestTars().file("a", "x").bytes(), "application/x-tar")).startsWith("400 ").contains("not a directory");
        assertThat(cli.http("PUT", "/containers/target-box/archive?path=/tmp&noOverwriteDirNonDir=1",
                new TestTars().file("etc-like", "x").bytes(), "application/x-tar")).startsWith("200");
        assertThat(cli.http("PUT", "/containers/target-box/archive?path=/tmp&noOverwriteDirNonDir=1",
                new TestTars().dir("etc-like").bytes(), "application/x-tar")).startsWith("400 ").contains("non-directory");
        ok("rm", "target-box");
    }

    @Test
    void aPathThatClimbsThroughASymlinkStaysInTheContainer() throws Exception {
        String marker = "outside-" + UUID.randomUUID() + ".txt";
        Path outside = Path.of("/tmp", marker);
        Files.writeString(outside, "the host's\n");
        try {
            ok("create", "--name", "climber", "debian:bookworm-slim", "true");
            assertThat(cli.http("PUT", "/containers/climber/archive?path=/tmp",
                    new TestTars().symlink("up", "../../../../../../../tmp").bytes(), "application/x-tar")).startsWith("200");
            assertThat(cli.http("HEAD", "/containers/climber/archive?path=/tmp/up/" + marker, null))
                    .as("resolved in the container's /tmp, not the host's").startsWith("404");
            assertThat(cli.http("PUT", "/containers/climber/archive?path=/tmp/up",
                    new TestTars().file(marker, "written").bytes(), "application/x-tar")).startsWith("200");
            assertThat(Files.readString(outside)).isEqualTo("the host's\n");
            assertThat(ok("cp", "climber:/tmp/" + marker, "-")).contains("written");
            ok("rm", "climber");
        } finally {
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void anEventsClientThatGoesAwayLeavesNoReaderBehind() throws Exception {
        int before = ENGINE.served().engine().events().subscribers();
        try (var channel = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            channel.connect(java.net.UnixDomainSocketAddress.of(ENGINE.served().socket()));
            channel.write(java.nio.ByteBuffer.wrap("GET /events HTTP/1.1\r\nHost: engine\r\n\r\n".getBytes()));
            long deadline = System.currentTimeMillis() + 5_000;
            while (ENGINE.served().engine().events().subscribers() == before && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertThat(ENGINE.served().engine().events().subscribers()).isEqualTo(before + 1);
        }
        long deadline = System.currentTimeMillis() + 5_000;
        while (ENGINE.served().engine().events().subscribers() > before && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(ENGINE.served().engine().events().subscribers()).isEqualTo(before);
    }
}
