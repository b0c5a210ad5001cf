package shop.engine.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import shop.engine.support.Json;

/** A container.json written before HostConfig grew and mounts were recorded still reads, its binds as its mounts. */
class OldContainerRecordTest {

    /** As the engine wrote it before: HostConfig with its nine fields, no Mounts, no HostEntries. */
    private static final String OLD_RECORD = """
            {"Config":{"Cmd":["sleep","60"],"Env":["PATH=/usr/bin:/bin"],"WorkingDir":"/"},"Created":"2026-12-01T10:00:00Z",
            "HostConfig":{"AutoRemove":false,"Binds":["/srv/in:/in:ro","pgdata:/var/lib/postgresql/data"],"Memory":0,
            "NanoCpus":0,"NetworkMode":"bridge","PortBindings":{},"PublishAllPorts":false,
            "RestartPolicy":{"MaximumRetryCount":0,"Name":"always"}},
            "Id":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","Image":"sha256:aa",
            "ImageName":"debian:bookworm-slim","Name":"old-one","Ports":[],
            "State":{"ExitCode":0,"Pid":0,"RestartCount":0,"Status":"created","StoppedByUser":false}}
            """;

    @Test
    void anOldRecordReadsWithItsBindsAsMountsAndEverythingElseAtDockersDefaults() throws Exception {
        Container old = Json.MAPPER.readValue(OLD_RECORD, Container.class);
        assertThat(old.mounts()).containsExactly(
                new MountPoint(MountPoint.BIND, null, "/srv/in", "/in", "ro", false, "", List.of(), false),
                new MountPoint(MountPoint.VOLUME, "pgdata", null, "/var/lib/postgresql/data", "", true, "", List.of(), false));
        assertThat(old.hostEntries()).isEmpty();
        HostConfig host = old.hostConfig();
        assertThat(host.restartPolicy().name()).isEqualTo("always");
        assertThat(host.capAdd()).isEmpty();
        assertThat(host.privileged()).isFalse();
        assertThat(host.runsInit()).isFalse();
        assertThat(host.pidMode()).isEmpty();
        assertThat(Json.MAPPER.readValue(Json.bytes(old), Container.class)).as("the same after a save").isEqualTo(old);
    }
}
