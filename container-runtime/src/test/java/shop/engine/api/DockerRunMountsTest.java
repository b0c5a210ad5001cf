package shop.engine.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The docker CLI's mounts against the engine, on real crun: --mount of each type, -v, --tmpfs,
 * --read-only and --volumes-from, and what docker cp and inspect see of them.
 */
@Tag("root")
class DockerRunMountsTest {

    private static final String IMAGE = "debian:bookworm-slim";

    @RegisterExtension
    static final ServedCli ENGINE = new ServedCli();

    private final DockerCli cli = ENGINE.cli();

    /** The named volumes the tests made; their containers are gone by now. */
    @AfterAll
    static void removeVolumes() throws Exception {
        ENGINE.cli().ok("volume", "rm", "kept-data", "skel-copy", "skel-empty", "vf-data", "cp-vol");
    }

    @Test
    void dataInAMountedVolumeOutlivesItsContainerAndTheNextOneSeesIt() throws Exception {
        cli.ok("run", "--rm", "--mount", "type=volume,src=kept-data,dst=/data", IMAGE, "sh", "-c", "echo written > /data/f");
        String second = cli.ok("run", "--rm", "--mount", "type=volume,src=kept-data,dst=/data,readonly", IMAGE,
                "sh", "-c", "cat /data/f; touch /data/g 2>/dev/null || echo read-only");
        assertThat(second).isEqualTo("written\nread-only\n");
        assertThat(cli.ok("volume", "ls", "-q")).contains("kept-data");
    }

    @Test
    void aNewVolumeStartsWithTheImagesFilesUnlessNoCopy() throws Exception {
        assertThat(cli.ok("run", "--rm", "--mount", "type=volume,src=skel-copy,dst=/etc/skel", IMAGE, "ls", "-A", "/etc/skel"))
                .contains(".bashrc");
        assertThat(cli.ok("run", "--rm", "--mount", "type=volume,src=skel-empty,dst=/etc/skel,volume-nocopy", IMAGE,
                "ls", "-A", "/etc/skel")).isEmpty();
    }

    @Test
    void anAnonymousVolumeGoesWithItsContainerOnRmV() throws Exception {
        cli.ok("create", "--name", "anon-owner", "--mount", "type=volume,dst=/scratch", "-v", "/more", IMAGE, "true");
        String names = cli.ok("inspect", "--format", "{{range .Mounts}}{{.Type}}:{{.Name}}:{{.Destination}} {{end}}",
                "anon-owner");
        assertThat(names).contains(":/scratch").contains(":/more").startsWith("volume:");
        String anonymous = names.strip().split(" ")[0].split(":")[1];
        assertThat(cli.ok("volume", "ls", "-q")).contains(anonymous);
        cli.ok("rm", "-v", "anon-owner");
        assertThat(cli.ok("volume", "ls", "-q")).doesNotContain(anonymous);
    }

    @Test
    void aBindMountWithPropagationAndReadOnlyShowsTheHostsFiles(@TempDir Path host) throws Exception {
        Files.writeString(host.resolve("in.txt"), "from the host\n");
        String out = cli.ok("run", "--rm", "--mount", "type=bind,src=" + host + ",dst=/host,readonly,bind-propagation=rprivate",
                IMAGE, "sh", "-c", "cat /host/in.txt; touch /host/new 2>/dev/null || echo read-only");
        assertThat(out).isEqualTo("from the host\nread-only\n");
        DockerCli.Result slave = cli.run("run", "--rm", "--mount", "type=bind,src=" + host + ",dst=/host,bind-propagation=rslave",
                IMAGE, "true");
        assertThat(slave.exit()).isNotZero();
        assertThat(slave.out()).contains("HostConfig.Mounts[0]").contains("not a shared or slave mount");
    }

    @Test
    void tmpfsIsATmpfsAndShmSizeSizesDevShm() throws Exception {
        String out = cli.ok("run", "--rm", "--tmpfs", "/scratch:size=8m,mode=1770", "--mount", "type=tmpfs,dst=/t,tmpfs-size=1m",
                "--shm-size", "16m", IMAGE, "sh", "-c",
                "stat -f -c %T /scratch; stat -c %a /scratch; stat -f -c %T /t; df -k /dev/shm | tail -1");
        String[] lines = out.split("\n");
        assertThat(lines[0]).isEqualTo("tmpfs");
        assertThat(lines[1]).isEqualTo("1770");
        assertThat(lines[2]).isEqualTo("tmpfs");
        assertThat(lines[3].split("\\s+")[1]).as("df /dev/shm: " + lines[3]).isEqualTo("16384");
    }

    @Test
    void aReadOnlyRootRefusesWritesWhileItsTmpfsTakesThem() throws Exception {
        String out = cli.ok("run", "--rm", "--read-only", "--tmpfs", "/scratch", IMAGE, "sh", "-c",
                "touch /written 2>/dev/null || echo root-read-only; touch /scratch/y && echo tmpfs-writable");
        assertThat(out).isEqualTo("root-read-only\ntmpfs-writable\n");
        cli.ok("create", "--name", "ro-root", "--read-only", IMAGE, "true");
        Path file = Files.createTempFile("cp-into-ro", ".txt");
        DockerCli.Result copy = cli.run("cp", file.toString(), "ro-root:/tmp/");
        assertThat(copy.out()).contains("container rootfs is marked read-only");
        Files.delete(file);
        cli.ok("rm", "ro-root");
    }

    @Test
    void volumesFromSharesTheVolumesAndBindsOfAnotherContainer(@TempDir Path host) throws Exception {
        Files.writeString(host.resolve("shared.txt"), "bound\n");
        cli.ok("create", "--name", "vf-source", "-v", "vf-data:/data", "-v", host + ":/hostdir", IMAGE, "true");
        cli.ok("run", "--rm", "--volumes-from", "vf-source", IMAGE, "sh", "-c", "echo in-volume > /data/f");
        String out = cli.ok("run", "--rm", "--volumes-from", "vf-source:ro", IMAGE, "sh", "-c",
                "cat /hostdir/shared.txt /data/f; touch /data/g 2>/dev/null || echo read-only");
        assertThat(out).isEqualTo("bound\nin-volume\nread-only\n");
        cli.ok("rm", "vf-source");
    }

    @Test
    void cpAndInspectSeeVolumesTmpfsAndVolumesFrom() throws Exception {
        cli.ok("run", "-d", "--name", "cp-mounts", "--mount", "type=volume,src=cp-vol,dst=/vol", "--tmpfs", "/scratch",
                IMAGE, "sh", "-c", "echo in-tmpfs > /scratch/t; echo in-volume > /vol/v; " + DockerCliCommandsTest.WAITS);
        long deadline = System.currentTimeMillis() + 10_000;
        while (!cli.run("cp", "cp-mounts:/scratch/t", "-").out().contains("in-tmpfs") && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(cli.ok("cp", "cp-mounts:/scratch/t", "-")).contains("in-tmpfs");
        assertThat(cli.ok("cp", "cp-mounts:/vol/v", "-")).contains("in-volume");
        assertThat(cli.ok("inspect", "--format", "{{range .Mounts}}{{.Type}} {{.Name}} {{.Destination}};{{end}}", "cp-mounts"))
                .contains("volume cp-vol /vol;").contains("tmpfs  /scratch;");

        cli.ok("create", "--name", "cp-borrower", "--volumes-from", "cp-mounts", IMAGE, "true");
        assertThat(cli.ok("cp", "cp-borrower:/vol/v", "-")).as("a created container's borrowed volume").contains("in-volume");
        assertThat(cli.ok("inspect", "--format", "{{range .Mounts}}{{.Name}} {{.Destination}};{{end}}", "cp-borrower"))
                .isEqualTo("cp-vol /vol;\n");
        cli.ok("rm", "-f", "cp-mounts", "cp-borrower");
    }
}
