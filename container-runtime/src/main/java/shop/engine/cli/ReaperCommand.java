package shop.engine.cli;

import com.github.dockerjava.api.DockerClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import shop.engine.client.EngineClients;
import shop.engine.reaper.Reaper;
import shop.engine.reaper.ReaperConfig;

@Command(name = "reaper", description = "Remove what Testcontainers sessions leave behind, as its Ryuk container does "
        + "(images/ryuk runs this): clients send filter lines over TCP on $RYUK_PORT (8080); once none has been connected "
        + "for $RYUK_RECONNECTION_TIMEOUT (10s), or none came within $RYUK_CONNECTION_TIMEOUT (60s), the matching "
        + "containers, networks, volumes and images are removed and the command exits.")
final class ReaperCommand implements Callable<Integer> {

    /** Where Testcontainers bind-mounts the engine's socket in the reaper's container. */
    private static final String MOUNTED_SOCKET = "unix:///var/run/docker.sock";

    @ParentCommand
    Main main;

    @Override
    public Integer call() throws Exception {
        // Never the state directory's engine (main.docker() would start one): inside a container there is none.
        String dockerHost = System.getenv("DOCKER_HOST");
        String host = main.host != null ? main.host : dockerHost != null && !dockerHost.isEmpty() ? dockerHost : MOUNTED_SOCKET;
        try (DockerClient docker = EngineClients.connect(host);
             Reaper reaper = new Reaper(docker, ReaperConfig.fromEnvironment(System.getenv()), main.out)) {
            reaper.start();
            return reaper.awaitAndPrune();
        }
    }
}
