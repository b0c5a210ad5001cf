package shop.engine.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import shop.engine.TestEngines;

/**
 * What a create body may carry: the defaults the docker CLI, docker-java (Testcontainers) and
 * docker-compose send are accepted; a field the engine would not honour is a 400 naming it; and
 * a refused create (a refused field, a missing bind source or linked container, an unknown mount
 * type) leaves nothing behind: no directory, mount, endpoint, namespace or volume.
 */
@Tag("root")
class CreateBodyTest {

    /** docker CLI 28.2.2's {@code docker create --name <n> <image> true}, as captured on the wire. */
    private static final String DOCKER_CLI = """
            {"Hostname":"","Domainname":"","User":"","AttachStdin":false,"AttachStdout":true,"AttachStderr":true,"Tty":false,
            "OpenStdin":false,"StdinOnce":false,"Env":null,"Cmd":["true"],"Image":"debian:bookworm-slim","Volumes":{},
            "WorkingDir":"","Entrypoint":null,"OnBuild":null,"Labels":{},"HostConfig":{"Binds":null,"ContainerIDFile":"",
            "LogConfig":{"Type":"","Config":{}},"NetworkMode":"default","PortBindings":{},"RestartPolicy":{"Name":"no",
            "MaximumRetryCount":0},"AutoRemove":false,"VolumeDriver":"","VolumesFrom":null,"ConsoleSize":[24,80],"CapAdd":null,
            "CapDrop":null,"CgroupnsMode":"","Dns":[],"DnsOptions":[],"DnsSearch":[],"ExtraHosts":null,"GroupAdd":null,
            "IpcMode":"","Cgroup":"","Links":null,"OomScoreAdj":0,"PidMode":"","Privileged":false,"PublishAllPorts":false,
            "ReadonlyRootfs":false,"SecurityOpt":null,"UTSMode":"","UsernsMode":"","ShmSize":0,"Isolation":"","CpuShares":0,
            "Memory":0,"NanoCpus":0,"CgroupParent":"","BlkioWeight":0,"BlkioWeightDevice":[],"BlkioDeviceReadBps":[],
            "BlkioDeviceWriteBps":[],"BlkioDeviceReadIOps":[],"BlkioDeviceWriteIOps":[],"CpuPeriod":0,"CpuQuota":0,
            "CpuRealtimePeriod":0,"CpuRealtimeRuntime":0,"CpusetCpus":"","CpusetMems":"","Devices":[],"DeviceCgroupRules":null,
            "DeviceRequests":null,"MemoryReservation":0,"MemorySwap":0,"MemorySwappiness":-1,"OomKillDisable":false,
            "PidsLimit":0,"Ulimits":[],"CpuCount":0,"CpuPercent":0,"IOMaximumIOps":0,"IOMaximumBandwidth":0,
            "MaskedPaths":null,"ReadonlyPaths":null},"NetworkingConfig":{"EndpointsConfig":{"default":{"IPAMConfig":null,
            "Links":null,"Aliases":null,"MacAddress":"","DriverOpts":null,"GwPriority":0,"NetworkID":"","EndpointID":"",
            "Gateway":"","IPAddress":"","IPPrefixLen":0,"IPv6Gateway":"","GlobalIPv6Address":"","GlobalIPv6PrefixLen":0,
            "DNSNames":null}}}}
            """;
    /** docker-java 3.7.1's create command with a HostConfig, every field it does not set sent as null. */
    private static final String DOCKER_JAVA = """
            {"Hostname":null,"Domainname":null,"User":null,"AttachStdin":null,"AttachStdout":null,"AttachStderr":null,
            "PortSpecs":null,"Tty":null,"OpenStdin":null,"StdinOnce":null,"Env":null,"Cmd":["true"],"Healthcheck":null,
            "ArgsEscaped":null,"Entrypoint":null,"Image":"debian:bookworm-slim","Volumes":{},"WorkingDir":null,"MacAddress":null,
            "OnBuild":null,"NetworkDisabled":null,"ExposedPorts":{"80/tcp":{}},"StopSignal":null,"StopTimeout":null,
            "HostConfig":{"Binds":null,"BlkioWeight":null,"BlkioWeightDevice":null,"BlkioDeviceReadBps":null,
            "BlkioDeviceWriteBps":null,"BlkioDeviceReadIOps":null,"BlkioDeviceWriteIOps":null,"MemorySwappiness":null,
            "NanoCpus":null,"Annotations":null,"CapAdd":null,"CapDrop":null,"ContainerIDFile":null,"CpuPeriod":null,
            "CpuRealtimePeriod":null,"CpuRealtimeRuntime":null,"CpuShares":null,"CpuQuota":null,"CpusetCpus":null,
            "CpusetMems":null,"Devices":null,"DeviceCgroupRules":null,"DeviceRequests":null,"DiskQuota":null,"Dns":null,
            "DnsOptions":null,"DnsSearch":null,"ExtraHosts":null,"GroupAdd":null,"IpcMode":null,"Cgroup":null,"Links":null,
            "LogConfig":null,"LxcConf":null,"Memory":null,"MemorySwap":null,"MemoryReservation":null,"KernelMemory":null,
            "NetworkMode":"bridge","OomKillDisable":null,"Init":null,"AutoRemove":null,"OomScoreAdj":null,"PortBindings":null,
            "Privileged":null,"PublishAllPorts":null,"ReadonlyRootfs":null,"RestartPolicy":null,"Ulimits":null,"CpuCount":null,
            "CpuPercent":null,"IOMaximumIOps":null,"IOMaximumBandwidth":null,"VolumesFrom":null,"Mounts":null,"PidMode":null,
            "Isolation":null,"SecurityOpt":null,"StorageOpt":null,"CgroupParent":null,"VolumeDriver":null,"ShmSize":null,
            "PidsLimit":null,"Runtime":null,"Tmpfs":null,"UTSMode":null,"UsernsMode":null,"Sysctls":null,"ConsoleSize":null,
            "CgroupnsMode":null},"Labels":{"a":"b"},"Shell":null,"NetworkingConfig":null}
            """;
    /** docker-compose 1.29.2's create of a service (its network made the default bridge here). */
    private static final String COMPOSE = """
            {"Tty": false, "OpenStdin": false, "StdinOnce": false, "AttachStdin": false, "AttachStdout": false,
            "AttachStderr": false, "Image": "debian:bookworm-slim", "Cmd": ["true"], "Volumes": {}, "NetworkDisabled": false,
            "HostConfig": {"NetworkMode": "bridge", "VolumesFrom": [], "Binds": [], "PortBindings": {}, "Links": [],
            "LogConfig": {"Type": "", "Config": {}}}, "NetworkingConfig": {"EndpointsConfig": {"bridge": {"Aliases": ["db"],
            "IPAMConfig": {}}}}, "Labels": {"com.docker.compose.project": "proj", "com.docker.compose.service": "db"}}
            """;

    @RegisterExtension
    static final ServedCli ENGINE = new ServedCli();

    private final DockerCli cli = ENGINE.cli();

    @Test
    void theBodiesRealClientsSendWithTheirDefaultsAreAccepted() throws Exception {
        for (String client : List.of("docker-cli", "docker-java", "compose")) {
            String body = switch (client) {
                case "docker-cli" -> DOCKER_CLI;
                case "docker-java" -> DOCKER_JAVA;
                default -> COMPOSE;
            };
            assertThat(cli.http("POST", "/v1.47/containers/create?name=from-" + client, body)).as(client).startsWith("201 ");
            assertThat(cli.ok("inspect", "--format", "{{.HostConfig.LogConfig.Type}}", "from-" + client)).isEqualTo("json-file\n");
            cli.ok("rm", "from-" + client);
        }
    }

    @Test
    void aBodyAskingForHostDevicesIsA400NamingItAndCreatesNothing() throws Exception {
        Set<String> before = whatExists();
        String reply = cli.http("POST", "/containers/create?name=with-devices", """
                {"Image": "debian:bookworm-slim", "Cmd": ["true"], "HostConfig": {"Devices": [{"PathOnHost": "/dev/null",
                "PathInContainer": "/dev/null", "CgroupPermissions": "rwm"}]}}""");
        assertThat(reply).startsWith("400 ").contains("HostConfig.Devices: host devices are not supported by this engine");
        assertThat(cli.http("GET", "/containers/with-devices/json", null)).startsWith("404 ");
        assertThat(whatExists()).isEqualTo(before);
    }

    @Test
    void fieldsAtOtherValuesThanTheEngineHonoursAreRefusedByName() throws Exception {
        record Refused(String hostConfig, String message) {
        }
        for (Refused refused : List.of(
                new Refused("{\"LogConfig\": {\"Type\": \"syslog\"}}", "HostConfig.LogConfig.Type: only json-file logging"),
                new Refused("{\"Runtime\": \"runsc\"}", "HostConfig.Runtime: this engine runs crun"),
                new Refused("{\"MemorySwappiness\": 10}", "HostConfig.MemorySwappiness"),
                new Refused("{\"SomethingNew\": \"x\"}", "HostConfig.SomethingNew: not supported by this engine"),
                new Refused("{\"Mounts\": [{\"Type\": \"volume\", \"Target\": \"/x\", \"VolumeOptions\": {\"Subpath\": \"a\"}}]}",
                        "HostConfig.Mounts[0].VolumeOptions.Subpath: volume subpaths are not supported"),
                new Refused("{\"Memory\": \"lots\"}", "HostConfig.Memory: "),
                new Refused("{\"CapAdd\": [\"NOPE\"]}", "HostConfig.CapAdd: unknown capability \\\"NOPE\\\""),
                new Refused("{\"CgroupnsMode\": \"shared\"}", "HostConfig.CgroupnsMode: \\\"shared\\\": only"),
                new Refused("{\"SecurityOpt\": [\"seccomp={}\"]}", "HostConfig.SecurityOpt: \\\"seccomp={}\\\": custom profiles"),
                new Refused("{\"MaskedPaths\": [\"/proc/kcore\"], \"ReadonlyPaths\": []}",
                        "HostConfig.MaskedPaths, HostConfig.ReadonlyPaths: custom lists are not supported"))) {
            String body = "{\"Image\": \"debian:bookworm-slim\", \"Cmd\": [\"true\"], \"HostConfig\": " + refused.hostConfig() + "}";
            assertThat(cli.http("POST", "/containers/create", body)).as(refused.hostConfig()).startsWith("400 ")
                    .contains(refused.message());
        }
        String unknownAtDefault = "{\"Image\": \"debian:bookworm-slim\", \"Cmd\": [\"true\"], \"MacAddress\": \"\","
                + " \"HostConfig\": {\"SomethingNew\": \"\", \"LogConfig\": {\"Type\": \"json-file\"}, \"Runtime\": \"crun\"}}";
        assertThat(cli.http("POST", "/containers/create?name=defaults-only", unknownAtDefault)).startsWith("201 ");
        cli.ok("rm", "defaults-only");
    }

    @Test
    void aMissingBindSourceUnknownMountTypeOrMissingContainerIsRefusedBeforeAnythingExists() throws Exception {
        cli.ok("run", "-d", "--name", "bystander", "debian:bookworm-slim", "sh", "-c", DockerCliCommandsTest.WAITS);
        Set<String> before = whatExists();
        record Refused(List<String> options, String message) {
        }
        for (Refused refused : List.of(
                new Refused(List.of("--mount", "type=bind,src=/no/such/dir,dst=/x"),
                        "HostConfig.Mounts[0].Source: bind source path does not exist: /no/such/dir"),
                new Refused(List.of("--mount", "type=nope,dst=/x"), "HostConfig.Mounts[0].Type: \"nope\" is not supported"),
                new Refused(List.of("-v", "fresh-volume:/data", "--volumes-from", "no-such-box"),
                        "HostConfig.VolumesFrom: no such container: no-such-box"),
                new Refused(List.of("-v", "fresh-volume:/data", "--link", "no-such-box:db"),
                        "HostConfig.Links: no such container: no-such-box"),
                new Refused(List.of("--tmpfs", "/scratch:bogus=1"), "HostConfig.Tmpfs[/scratch]: unknown option \"bogus=1\""),
                new Refused(List.of("--add-host", "gw:host-gateway", "--network", "none"), "host-gateway needs a network"),
                new Refused(List.of("-v", "fresh-volume:/data", "--mount", "type=tmpfs,dst=/data"), "Duplicate mount point: /data"))) {
            List<String> args = Stream.concat(Stream.concat(Stream.of("create", "--name", "refused"), refused.options().stream()),
                    Stream.of("debian:bookworm-slim", "true")).toList();
            DockerCli.Result result = cli.run(args.toArray(String[]::new));
            assertThat(result.exit()).as(String.join(" ", args)).isNotZero();
            assertThat(result.out()).as(String.join(" ", args)).contains(refused.message());
            assertThat(whatExists()).as("left behind by " + String.join(" ", args)).isEqualTo(before);
        }
        assertThat(cli.http("POST", "/containers/create", "{\"Image\": \"debian:bookworm-slim\", \"HostConfig\":"
                + " {\"Mounts\": [{\"Type\": \"nope\", \"Target\": \"/x\"}]}}")).startsWith("400 ");
        assertThat(cli.http("POST", "/containers/create", "{\"Image\": \"debian:bookworm-slim\", \"HostConfig\":"
                + " {\"VolumesFrom\": [\"no-such-box\"]}}")).startsWith("400 ");
        cli.ok("rm", "-f", "bystander");
    }

    /** Everything a create could leave: container directories, mounts, volumes, endpoints, network namespaces. */
    private static Set<String> whatExists() throws IOException {
        Set<String> all = new TreeSet<>();
        Path state = ENGINE.served().engine().state();
        for (String dir : List.of("containers", "snapshots/active", "volumes")) {
            if (Files.isDirectory(state.resolve(dir))) {
                try (Stream<Path> entries = Files.list(state.resolve(dir))) {
                    entries.forEach(e -> all.add(dir + "/" + e.getFileName()));
                }
            }
        }
        all.addAll(TestEngines.leftoverNamespaces());
        ENGINE.served().engine().networks().list().forEach(n -> n.endpoints().keySet().forEach(id -> all.add(n.name() + " endpoint " + id)));
        return all;
    }
}
