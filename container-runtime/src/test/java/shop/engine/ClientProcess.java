package shop.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A client program (the docker CLI, docker-compose) run to its end on the given input, stdout and stderr together. */
public final class ClientProcess {

    public record Result(int exit, String out) {
    }

    private ClientProcess() {
    }

    /** Fails the test, with what the client said, when it has not ended within the timeout. */
    public static Result run(ProcessBuilder command, String input, Duration timeout) throws IOException, InterruptedException {
        Process p = command.redirectErrorStream(true).start();
        try (OutputStream stdin = p.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        // Read aside, so a client that never ends fails the test instead of hanging it.
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(output unreadable: " + e + ")";
            }
        });
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly(); // the docker CLI with -i passes SIGTERM on to the container
            throw new AssertionError(String.join(" ", command.command()) + " did not finish in " + timeout.toSeconds() + " s: "
                    + out.join());
        }
        return new Result(p.exitValue(), out.join());
    }
}
