package shop.engine.fig;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import shop.engine.ClientProcess;

/**
 * Debian's docker-compose 1.29 (test-prereqs.sh installs it) on one stack file and project, pointed
 * at an engine's socket; the classic builder, a docker config directory of its own, and stdin
 * closed, as in CI. Its {@code run} and {@code exec} call the docker CLI, which gets the same.
 *
 * @param envFile the variables of the file ({@code --env-file}), or null for the {@code .env} beside it
 */
record DockerCompose(String host, Path file, String project, Path dockerConfig, Path envFile) {

    DockerCompose(String host, Path file, String project, Path dockerConfig) {
        this(host, file, project, dockerConfig, null);
    }

    ClientProcess.Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker-compose", "--ansi", "never", "-f", file.toString(), "-p", project));
        if (envFile != null) {
            command.addAll(List.of("--env-file", envFile.toString()));
        }
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("DOCKER_HOST", host);
        pb.environment().put("DOCKER_BUILDKIT", "0");
        pb.environment().put("COMPOSE_DOCKER_CLI_BUILD", "0");
        pb.environment().put("DOCKER_CONFIG", dockerConfig.toString());
        return ClientProcess.run(pb, "", Duration.ofMinutes(5));
    }

    /** Runs and expects success; returns the output. */
    String ok(String... args) throws IOException, InterruptedException {
        ClientProcess.Result r = run(args);
        if (r.exit() != 0) {
            throw new AssertionError("docker-compose " + String.join(" ", args) + " exited " + r.exit() + ":\n" + r.out());
        }
        return r.out();
    }
}
