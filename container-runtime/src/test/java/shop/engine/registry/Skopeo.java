package shop.engine.registry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The skopeo CLI, the tests' independent peer: what it reads and writes comes from containers/image, not from our code. */
final class Skopeo {

    private Skopeo() {
    }

    static String run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("skopeo"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("skopeo " + args + " did not finish in 120 s");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
        }
        return out;
    }
}
