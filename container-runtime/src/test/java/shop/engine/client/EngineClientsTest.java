package shop.engine.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shop.engine.daemon.EngineDaemon;

/** A client finds no engine on a state directory, starts one in the background with the runtime asked for, and reuses it. */
@Tag("root")
class EngineClientsTest {

    @Test
    void startsTheEngineWhenNoSocketAnswersAndReusesIt(@TempDir Path state) throws Exception {
        assertThat(EngineDaemon.answers(EngineDaemon.socket(state))).isFalse();
        long pid;
        try (DockerClient docker = EngineClients.connect(state, "runc", null)) {
            assertThat(docker.versionCmd().exec().getGitCommit()).as("the bundled engine answers").isEqualTo("shop-engine");
            assertThat(docker.infoCmd().exec().getRuntimes()).containsOnlyKeys("runc");
            pid = Long.parseLong(Files.readString(state.resolve("engine.pid")).strip());
        }
        ProcessHandle daemon = ProcessHandle.of(pid).orElseThrow();
        try (DockerClient again = EngineClients.connect(state, "crun", null)) {
            again.pingCmd().exec();
            assertThat(Long.parseLong(Files.readString(state.resolve("engine.pid")).strip())).as("the same engine").isEqualTo(pid);
            assertThat(again.infoCmd().exec().getRuntimes()).as("the runtime it started with").containsOnlyKeys("runc");
        } finally {
            daemon.destroy();
            daemon.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertThat(EngineDaemon.answers(EngineDaemon.socket(state))).isFalse();
    }

    @Test
    void anEngineServingOtherCodeIsRestartedWithThisProgram(@TempDir Path state) throws Exception {
        long first;
        try (DockerClient docker = EngineClients.connect(state, "runc", null)) {
            docker.pingCmd().exec();
            first = Long.parseLong(Files.readString(state.resolve("engine.pid")).strip());
        }
        assertThat(Files.readString(EngineDaemon.codeFile(state)).strip()).isEqualTo(EngineDaemon.codeStamp());
        ProcessHandle old = ProcessHandle.of(first).orElseThrow();
        // As if the jar had been rebuilt since the daemon started from it.
        Files.writeString(EngineDaemon.codeFile(state), "1\n");

        try (DockerClient docker = EngineClients.connect(state, "runc", null)) {
            docker.pingCmd().exec();
            long second = Long.parseLong(Files.readString(state.resolve("engine.pid")).strip());
            assertThat(second).as("a new engine").isNotEqualTo(first);
            assertThat(old.isAlive()).as("the old engine stopped").isFalse();
            assertThat(Files.readString(EngineDaemon.codeFile(state)).strip()).isEqualTo(EngineDaemon.codeStamp());
            ProcessHandle daemon = ProcessHandle.of(second).orElseThrow();
            daemon.destroy();
            daemon.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            old.destroyForcibly();
        }
    }
}
