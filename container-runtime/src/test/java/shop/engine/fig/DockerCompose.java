package shop.engine.fig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Debian's docker-compose 1.29 (ci-prereqs.sh installs it) on one stack file and project, pointed
 * at an engine's socket; the classic builder, a docker config directory of its own, and stdin
 * closed, as in CI. Its {@code run} and {@code exec} call the docker CLI, which gets the same.
 */
record DockerCompose(String host, Path file, String project, Path dockerConfig) {

    record Result(int exit, String out) {
    }

    Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker-compose", "--ansi", "never", "-f", file.toString(), "-p", project));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("DOCKER_HOST", host);
        pb.environment().put("DOCKER_BUILDKIT", "0");
        pb.environment().put("COMPOSE_DOCKER_CLI_BUILD", "0");
        pb.environment().put("DOCKER_CONFIG", dockerConfig.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        // Read aside, so a client that never ends fails the test instead of hanging it.
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(output unreadable: " + e + ")";
            }
        });
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("docker-compose " + String.join(" ", args) + " did not finish in 5 min: " + out.join());
        }
        return new Result(p.exitValue(), out.join());
    }

    /** Runs and expects success; returns the output. */
    String ok(String... args) throws IOException, InterruptedException {
        Result r = run(args);
        if (r.exit() != 0) {
            throw new AssertionError("docker-compose " + String.join(" ", args) + " exited " + r.exit() + ":\n" + r.out());
        }
        return r.out();
    }
}
