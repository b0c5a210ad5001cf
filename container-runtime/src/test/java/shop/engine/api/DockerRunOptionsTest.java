package shop.engine.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import shop.engine.network.NetworkService;

/**
 * The docker CLI's run options beyond mounts against the engine, on real crun: names and DNS
 * (--add-host, --dns, --link, --hostname), privileges (--cap-drop, --privileged,
 * --security-opt), confinement (the syscall filter, the device cgroup, --cgroupns), --init,
 * limits (--ulimit, --sysctl, CPU and memory) and --pid host.
 */
@Tag("root")
class DockerRunOptionsTest {

    private static final String IMAGE = "debian:bookworm-slim";
    private static final int CAP_SYS_RESOURCE = 24;
    /** How /proc/sys is mounted over (Docker makes it read-only), if it is. */
    private static final String PROC_SYS_MOUNT = "awk '$5 == \"/proc/sys\" { print substr($6, 1, 2) }' /proc/self/mountinfo";

    @RegisterExtension
    static final ServedCli ENGINE = new ServedCli();

    private final DockerCli cli = ENGINE.cli();

    @Test
    void addedHostsAndTheHostGatewayResolveAndSurviveTheNetworksRewrites() throws Exception {
        String gateway = ENGINE.served().engine().networks().inspect(NetworkService.DEFAULT).gateway();
        cli.ok("run", "-d", "--name", "with-hosts", "--add-host", "db.example:10.1.2.3", "--add-host", "gw=host-gateway",
                IMAGE, "sh", "-c", DockerCliCommandsTest.WAITS);
        assertThat(cli.ok("exec", "with-hosts", "getent", "hosts", "db.example")).startsWith("10.1.2.3 ");
        assertThat(cli.ok("exec", "with-hosts", "getent", "hosts", "gw")).startsWith(gateway + " ");
        // A new member makes the engine rewrite every member's /etc/hosts.
        cli.ok("run", "-d", "--name", "newcomer", IMAGE, "sh", "-c", DockerCliCommandsTest.WAITS);
        String hosts = cli.ok("exec", "with-hosts", "cat", "/etc/hosts");
        assertThat(hosts).contains("newcomer").contains("10.1.2.3\tdb.example").contains(gateway + "\tgw");
        cli.ok("rm", "-f", "with-hosts", "newcomer");
    }

    @Test
    void dnsOptionsWriteTheContainersResolvConf() throws Exception {
        String resolv = cli.ok("run", "--rm", "--dns", "192.0.2.53", "--dns-search", "example.test", "--dns-option", "ndots:3",
                IMAGE, "cat", "/etc/resolv.conf");
        assertThat(resolv.lines()).contains("nameserver 192.0.2.53", "search example.test", "options ndots:3");
        assertThat(resolv.lines().filter(l -> l.startsWith("nameserver"))).hasSize(1);
    }

    @Test
    void aLinkResolvesItsAliasAndSetsTheLegacyVariables() throws Exception {
        cli.ok("run", "-d", "--name", "linked-db", "--expose", "5432", "-e", "SECRET=s3", IMAGE, "sh", "-c",
                DockerCliCommandsTest.WAITS);
        String address = cli.ok("inspect", "--format", "{{.NetworkSettings.IPAddress}}", "linked-db").strip();
        String out = cli.ok("run", "--rm", "--name", "linker", "--link", "linked-db:db", IMAGE, "sh", "-c",
                "getent hosts db; getent hosts linked-db; echo $DB_PORT_5432_TCP_ADDR $DB_PORT $DB_NAME $DB_ENV_SECRET");
        assertThat(out.lines().filter(l -> !l.contains("tcp://")))
                .as("db and linked-db resolve to the linked container").hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(line -> assertThat(line).startsWith(address + " ").contains(" db").contains(" linked-db"));
        assertThat(out.lines()).contains(address + " tcp://" + address + ":5432 /linker/db s3");
        cli.ok("rm", "-f", "linked-db");
    }

    @Test
    void hostnameAndDomainnameNameTheContainer() throws Exception {
        String out = cli.ok("run", "--rm", "--hostname", "web", "--domainname", "example.test", IMAGE, "sh", "-c",
                "hostname; cat /proc/sys/kernel/domainname /etc/hostname; echo $HOSTNAME; getent hosts web.example.test web");
        String[] lines = out.split("\n");
        assertThat(lines[0]).isEqualTo("web");
        assertThat(lines[1]).isEqualTo("example.test");
        assertThat(lines[2]).isEqualTo("web");
        assertThat(lines[3]).isEqualTo("web");
        assertThat(lines[4]).contains(" web.example.test web ");
        assertThat(lines[5]).isEqualTo(lines[4]);
    }

    @Test
    void addedGroupsReachTheProcessAndItsExecsWhichTakeTheirOwnUserAndDirectory() throws Exception {
        cli.ok("run", "-d", "--name", "grouped", "--group-add", "1234", "--group-add", "mail", IMAGE, "sh", "-c",
                "id -G > /tmp/groups; " + DockerCliCommandsTest.WAITS);
        long deadline = System.currentTimeMillis() + 10_000;
        while (cli.run("exec", "grouped", "test", "-s", "/tmp/groups").exit() != 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(cli.ok("exec", "grouped", "cat", "/tmp/groups").strip().split(" ")).contains("0", "8", "1234");
        assertThat(cli.ok("exec", "-u", "nobody", "-w", "/tmp", "-e", "FROM_EXEC=yes", "grouped", "sh", "-c",
                "id -un; id -G; pwd; echo $FROM_EXEC $HOSTNAME"))
                .isEqualTo("nobody\n65534 8 1234\n/tmp\nyes " + cli.ok("inspect", "--format", "{{.Config.Hostname}}", "grouped"));
        cli.ok("rm", "-f", "grouped");
    }

    @Test
    void droppingChownMakesChownFailInTheContainerAndItsExecs() throws Exception {
        String out = cli.ok("run", "-d", "--name", "no-chown", "--cap-drop", "CHOWN", IMAGE, "sh", "-c",
                "touch /f; chown 1 /f 2>/dev/null && echo chowned || echo refused; " + DockerCliCommandsTest.WAITS);
        assertThat(out).isNotBlank();
        long deadline = System.currentTimeMillis() + 10_000;
        while (!cli.ok("logs", "no-chown").contains("refused") && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(cli.ok("logs", "no-chown")).isEqualTo("refused\n");
        assertThat(cli.run("exec", "no-chown", "chown", "1", "/f").exit()).as("an exec has the container's capabilities").isNotZero();
        assertThat(cli.ok("exec", "--privileged", "no-chown", "sh", "-c", "chown 1 /f && echo chowned"))
                .as("a privileged exec has them all").isEqualTo("chowned\n");
        assertThat(cli.ok("run", "--rm", "--cap-add", "ALL", "--cap-drop", "chown", IMAGE, "sh", "-c",
                "grep CapEff /proc/self/status")).as("every capability the engine holds but CAP_CHOWN (0)")
                .isEqualTo(String.format("CapEff:\t%016x%n", enginesCapabilities() & ~1L));
        cli.ok("rm", "-f", "no-chown");
    }

    @Test
    void aPrivilegedContainerCanMountATmpfsInsideAndAnOrdinaryOneCannot() throws Exception {
        String mount = "mount -t tmpfs none /mnt && stat -f -c %T /mnt";
        assertThat(cli.ok("run", "--rm", "--privileged", IMAGE, "sh", "-c", mount
                + "; awk '$5 == \"/sys\" { print substr($6, 1, 2) }' /proc/self/mountinfo; " + PROC_SYS_MOUNT))
                .as("a tmpfs mounted inside, /sys writable, /proc/sys not mounted over").isEqualTo("tmpfs\nrw\n");
        assertThat(cli.run("run", "--rm", IMAGE, "sh", "-c", mount).exit()).isNotZero();
    }

    @Test
    void noNewPrivilegesShowsInTheProcessStatus() throws Exception {
        assertThat(cli.ok("run", "--rm", "--security-opt", "no-new-privileges", IMAGE, "grep", "NoNewPrivs", "/proc/self/status"))
                .matches("NoNewPrivs:\\s+1\\n");
        assertThat(cli.ok("run", "--rm", "--security-opt", "seccomp=unconfined", "--security-opt", "label=disable", IMAGE,
                "grep", "NoNewPrivs", "/proc/self/status")).matches("NoNewPrivs:\\s+0\\n");
        DockerCli.Result profile = cli.run("run", "--rm", "--security-opt", "apparmor=my-profile", IMAGE, "true");
        assertThat(profile.exit()).isNotZero();
        assertThat(profile.out()).contains("HostConfig.SecurityOpt").contains("apparmor=my-profile");
    }

    @Test
    void escapesFromAContainersRootAreRefusedAndTheFilterCanBeTurnedOff() throws Exception {
        String disk = hostBlockDevice();
        String tries = String.join("\n",
                "unshare -Ur true 2>/dev/null && echo userns:open || echo userns:refused",
                "unshare -Urm sh -c 'mount -t tmpfs none /mnt' 2>/dev/null && echo userns-mount:open || echo userns-mount:refused",
                "mount -t tmpfs none /mnt 2>/dev/null && echo mount:open || echo mount:refused",
                // keyctl(KEYCTL_GET_KEYRING_ID, the session keyring): EPERM only from the filter.
                "perl -e 'syscall(250, 0, -3, 0) == -1 && $! + 0 == 1 ? print \"keyring:refused\\n\" : print \"keyring:open\\n\"'",
                "mknod /tmp/disk b " + disk.replace(':', ' ') + " 2>/dev/null; (exec 3</tmp/disk) 2>/dev/null"
                        + " && echo blockdev:open || echo blockdev:refused",
                "sed 's/^[0-9]*:[^:]*://' /proc/self/cgroup | sort -u");

        assertThat(cli.ok("run", "--rm", IMAGE, "sh", "-c", tries)).isEqualTo("""
                userns:refused
                userns-mount:refused
                mount:refused
                keyring:refused
                blockdev:refused
                /
                """);
        assertThat(cli.ok("run", "--rm", "--security-opt", "seccomp=unconfined", IMAGE, "sh", "-c", tries))
                .as("without the filter, capabilities and the device cgroup still hold").contains("keyring:open")
                .contains("mount:refused").contains("blockdev:refused");
        assertThat(cli.ok("run", "--rm", "--cgroupns", "host", IMAGE, "sh", "-c", "sed 's/^[0-9]*:[^:]*://' /proc/self/cgroup"))
                .as("the host's cgroup namespace shows where the container's cgroup is").isNotEqualTo("/\n");
        DockerCli.Result profile = cli.run("run", "--rm", "--security-opt", "seccomp=" + Files.writeString(
                Files.createTempFile("profile", ".json"), "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}"), IMAGE, "true");
        assertThat(profile.exit()).isNotZero();
        assertThat(profile.out()).contains("HostConfig.SecurityOpt").contains("custom profiles are not supported");
    }

    /** A block device this host (root, here) can open, as MAJOR:MINOR: what a container must not reach. */
    private static String hostBlockDevice() throws IOException, InterruptedException {
        try (var devices = Files.list(Path.of("/sys/dev/block"))) {
            for (Path device : devices.sorted().toList()) {
                String name = Files.readAllLines(device.resolve("uevent")).stream().filter(l -> l.startsWith("DEVNAME="))
                        .map(l -> l.substring(8)).findFirst().orElse("");
                if (!name.isEmpty() && new ProcessBuilder("sh", "-c", "exec 3</dev/" + name).start().waitFor() == 0) {
                    return device.getFileName().toString();
                }
            }
        }
        throw new IllegalStateException("this host has no block device that root can open");
    }

    @Test
    void systemPathsUnconfinedUnmasksWhatDockerMasksUnderProc() throws Exception {
        assertThat(cli.ok("run", "--rm", IMAGE, "sh", "-c", PROC_SYS_MOUNT)).as("/proc/sys read-only").isEqualTo("ro\n");
        assertThat(cli.ok("run", "--rm", "--security-opt", "systempaths=unconfined", IMAGE, "sh", "-c", PROC_SYS_MOUNT))
                .as("/proc/sys not mounted over").isEmpty();
    }

    @Test
    void initRunsDockerInitAsPid1WhichReapsOrphans() throws Exception {
        String out = cli.ok("run", "--rm", "--init", IMAGE, "sh", "-c",
                "tr '\\0' ' ' < /proc/1/cmdline; echo; sh -c 'sleep 0.2 &'; sleep 1;"
                        + " grep -l '^State:.Z' /proc/[0-9]*/status | wc -l");
        String[] lines = out.split("\n");
        assertThat(lines[0]).startsWith("/sbin/docker-init -- sh -c");
        assertThat(lines[1].strip()).as("zombies left").isEqualTo("0");
    }

    @Test
    void ulimitsApplyWithinTheEnginesOwnLimits() throws Exception {
        assertThat(cli.ok("run", "--rm", "--ulimit", "nofile=100:200", IMAGE, "sh", "-c", "ulimit -n; ulimit -Hn"))
                .isEqualTo("100\n200\n");
        DockerCli.Result tooHigh = cli.run("run", "--rm", "--ulimit", "nofile=1024:" + Long.MAX_VALUE / 2, IMAGE, "true");
        assertThat(tooHigh.exit()).isNotZero();
        assertThat(tooHigh.out()).contains("HostConfig.Ulimits: nofile").contains("above the engine's own");
    }

    @Test
    void anOomScoreBelowTheEnginesTakesCapSysResource() throws Exception {
        DockerCli.Result lower = cli.run("run", "--rm", "--oom-score-adj", "-500", IMAGE, "cat", "/proc/self/oom_score_adj");
        if ((enginesCapabilities() & (1L << CAP_SYS_RESOURCE)) != 0) {
            assertThat(lower.out()).isEqualTo("-500\n");
        } else {
            assertThat(lower.out()).contains("HostConfig.OomScoreAdj: -500 is below the engine's own");
        }
    }

    @Test
    void namespacedSysctlsApplyAndOthersAreRefused() throws Exception {
        assertThat(cli.ok("run", "--rm", "--sysctl", "net.ipv4.ip_unprivileged_port_start=80", "--sysctl", "kernel.shmmni=2048",
                IMAGE, "cat", "/proc/sys/net/ipv4/ip_unprivileged_port_start", "/proc/sys/kernel/shmmni")).isEqualTo("80\n2048\n");
        // The CLI refuses it itself; a client that does not is refused by the engine.
        assertThat(cli.http("POST", "/containers/create", "{\"Image\": \"" + IMAGE + "\", \"HostConfig\":"
                + " {\"Sysctls\": {\"kernel.hostname\": \"x\"}}}"))
                .startsWith("400 ").contains("HostConfig.Sysctls: \\\"kernel.hostname\\\" is not namespaced");
    }

    @Test
    void cpuAndMemorySettingsReachTheContainersCgroups() throws Exception {
        cli.ok("run", "-d", "--name", "limited", "--cpu-shares", "512", "--cpu-period", "50000", "--cpu-quota", "25000",
                "--cpuset-cpus", "0", "--cpuset-mems", "0", "--memory", "64m", "--memory-swap", "128m",
                "--memory-reservation", "32m", "--oom-score-adj", "300", IMAGE, "sh", "-c", DockerCliCommandsTest.WAITS);
        String pid = cli.ok("inspect", "--format", "{{.State.Pid}}", "limited").strip();
        assertThat(cgroupFile(pid, "cpu", "cpu.shares")).isEqualTo("512");
        assertThat(cgroupFile(pid, "cpu", "cpu.cfs_quota_us")).isEqualTo("25000");
        assertThat(cgroupFile(pid, "cpu", "cpu.cfs_period_us")).isEqualTo("50000");
        assertThat(cgroupFile(pid, "cpuset", "cpuset.cpus")).isEqualTo("0");
        assertThat(cgroupFile(pid, "memory", "memory.limit_in_bytes")).isEqualTo(String.valueOf(64L << 20));
        assertThat(cgroupFile(pid, "memory", "memory.memsw.limit_in_bytes")).isEqualTo(String.valueOf(128L << 20));
        assertThat(cgroupFile(pid, "memory", "memory.soft_limit_in_bytes")).isEqualTo(String.valueOf(32L << 20));
        assertThat(Files.readAllLines(Path.of("/proc", pid, "oom_score_adj"))).containsExactly("300");
        cli.ok("rm", "-f", "limited");
        DockerCli.Result conflicting = cli.run("run", "--rm", "--cpus", "1", "--cpu-quota", "50000", IMAGE, "true");
        assertThat(conflicting.out()).contains("Conflicting options: HostConfig.NanoCpus");
        DockerCli.Result absent = cli.run("run", "--rm", "--cpuset-cpus", "0-63", IMAGE, "true");
        assertThat(absent.out()).contains("HostConfig.CpusetCpus: requested 0-63 are not available");
    }

    @Test
    void pidHostShowsTheHostsProcesses() throws Exception {
        long engine = ProcessHandle.current().pid();
        assertThat(cli.ok("run", "--rm", "--pid", "host", IMAGE, "sh", "-c", "test -d /proc/" + engine + " && echo sees-engine"))
                .isEqualTo("sees-engine\n");
        assertThat(cli.run("run", "--rm", IMAGE, "test", "-d", "/proc/" + engine).exit()).isNotZero();
    }

    /** The engine's bounding set (it runs in this JVM): what it can hand on. */
    private static long enginesCapabilities() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("CapBnd:"))
                .mapToLong(l -> Long.parseUnsignedLong(l.substring("CapBnd:".length()).strip(), 16)).findFirst().orElseThrow();
    }

    /** A v1 cgroup file of the process, where the host mounts that controller. */
    private static String cgroupFile(String pid, String controller, String file) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", pid, "cgroup"))) {
            String[] parts = line.split(":", 3);
            if (List.of(parts[1].split(",")).contains(controller)) {
                return String.join("", Files.readAllLines(Path.of("/sys/fs/cgroup", controller, parts[2], file))).strip();
            }
        }
        throw new AssertionError("no " + controller + " cgroup for " + pid);
    }
}
