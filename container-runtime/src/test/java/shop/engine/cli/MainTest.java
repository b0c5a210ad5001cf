package shop.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shop.engine.TestEngines;

/** The CLI in-process, over the shared test state; real containers. */
class MainTest {

    record Result(int exit, String out, String err) {
    }

    static Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] full = new String[args.length + 2];
        full[0] = "--root";
        full[1] = TestEngines.STATE.toString();
        System.arraycopy(args, 0, full, 2, args.length);
        int exit = Main.execute(full, new PrintStream(out, true), new PrintStream(err, true));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void runPrintsTheOutputAndExitsWithTheContainersStatus() {
        TestEngines.open("crun").containers().close();
        Result r = cli("run", "--rm", "-e", "WHO=world", "debian:bookworm-slim", "sh", "-c", "echo hello $WHO; exit 5");
        assertThat(r.out()).isEqualTo("hello world\n");
        assertThat(r.exit()).isEqualTo(5);
        assertThat(cli("ps", "-a", "-q").out()).isEmpty();
    }

    @Test
    void detachedContainerCanBeListedExecedStoppedAndRemoved() {
        TestEngines.open("crun").containers().close();
        Result run = cli("run", "-d", "--name", "cli-bg", "debian:bookworm-slim", "sleep", "60");
        assertThat(run.exit()).isZero();
        assertThat(cli("ps").out()).contains("cli-bg").contains("Up");
        Result exec = cli("exec", "cli-bg", "sh", "-c", "echo in; exit 2");
        assertThat(exec.out()).isEqualTo("in\n");
        assertThat(exec.exit()).isEqualTo(2);
        assertThat(cli("stop", "-t", "1", "cli-bg").exit()).isZero();
        assertThat(cli("ps", "-a").out()).contains("Exited (137)");
        assertThat(cli("rm", "cli-bg").exit()).isZero();
        assertThat(cli("ps", "-a", "-q").out()).isEmpty();
    }

    @Test
    void badInputExitsNonZeroWithTheReason() {
        Result badRef = cli("tag", "debian:bookworm-slim", "Not/Valid");
        assertThat(badRef.exit()).isEqualTo(1);
        assertThat(badRef.err()).contains("invalid reference \"Not/Valid\"");
        Result missing = cli("rm", "no-such-container");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("No such container: no-such-container");
        assertThat(cli("run", "--memory", "lots", "debian:bookworm-slim", "true").err()).contains("invalid size: 'lots'");
        assertThat(cli("frobnicate").exit()).isNotZero();
    }

    @Test
    void saveAndLoadThroughTheCli(@TempDir Path dir) {
        TestEngines.open("crun").containers().close();
        assertThat(cli("tag", "debian:bookworm-slim", "localhost/saved:1").exit()).isZero();
        Path tar = dir.resolve("saved.tar");
        assertThat(cli("save", "-o", tar.toString(), "localhost/saved:1").exit()).isZero();
        assertThat(cli("rmi", "localhost/saved:1").out()).contains("Untagged: localhost/saved:1");
        assertThat(cli("load", "-i", tar.toString()).out()).isEqualTo("Loaded image: localhost/saved:1\n");
        assertThat(cli("images").out()).contains("localhost/saved");
        cli("rmi", "localhost/saved:1");
    }
}
