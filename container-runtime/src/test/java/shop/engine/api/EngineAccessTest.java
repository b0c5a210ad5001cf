package shop.engine.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shop.engine.Engine;

/**
 * A local user who is neither root nor in group docker can neither look into the engine's state
 * (unpacked layers, containers' environments) nor talk to its API: tried as user nobody.
 */
@Tag("root")
class EngineAccessTest {

    @TempDir
    Path open;

    @Test
    void aLocalUserOutsideGroupDockerCanNeitherReadTheStateNorUseTheSocket() throws Exception {
        // State and socket in a directory anyone may enter, so only their own modes stand in the way.
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(asNobody("cd " + open)).as("nobody can reach the test's directory").isEqualTo("0 ");
        Engine engine = Engine.open(open.resolve("state"), "crun");
        Path socket = open.resolve("engine.sock");
        UnixSocketApi api = new UnixSocketApi(engine, socket);
        api.start();
        try {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(engine.state()))).isEqualTo("rwx--x---");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-rw----");
            String ping = "curl -sf --unix-socket " + socket + " http://engine/_ping";
            assertThat(asRoot(ping)).as("root reaches the API").isEqualTo("0 OK");

            assertThat(asNobody("ls " + engine.state() + "/containers")).startsWith("2 ").contains("Permission denied");
            assertThat(asNobody("cat " + engine.state() + "/images/index.json")).startsWith("1 ").contains("Permission denied");
            assertThat(asNobody(ping)).as("nobody is refused at the socket").startsWith("7 ");
        } finally {
            api.close();
        }
    }

    private static String asRoot(String command) throws IOException, InterruptedException {
        return run(List.of("sh", "-c", command));
    }

    private static String asNobody(String command) throws IOException, InterruptedException {
        return run(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "sh", "-c", command));
    }

    /** The exit status and the output, stdout and stderr together: "0 OK". */
    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return process.exitValue() + " " + out;
    }
}
