package shop.engine;

import com.github.dockerjava.api.DockerClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import shop.engine.api.UnixSocketApi;
import shop.engine.client.EngineClients;

/**
 * A test engine (TestEngines) serving its Docker API on a unix socket in a fresh temporary
 * directory, for tests that drive it as the docker CLI, docker-java or fig do. Closing it closes
 * the client and the socket, then removes every container and network and checks nothing is left.
 */
public final class ServedEngine implements AutoCloseable {

    private final Engine engine;
    private final Path socket;
    private final UnixSocketApi api;
    private DockerClient docker;

    private ServedEngine(Engine engine, Path socket, UnixSocketApi api) {
        this.engine = engine;
        this.socket = socket;
        this.api = api;
    }

    public static ServedEngine start() throws IOException {
        Engine engine = TestEngines.open("crun");
        Path socket = Files.createTempDirectory("engine-api").resolve("engine.sock");
        UnixSocketApi api = new UnixSocketApi(engine, socket);
        api.start();
        return new ServedEngine(engine, socket, api);
    }

    public Engine engine() {
        return engine;
    }

    public Path socket() {
        return socket;
    }

    /** DOCKER_HOST for a client of this engine. */
    public String host() {
        return "unix://" + socket;
    }

    public synchronized DockerClient docker() {
        if (docker == null) {
            docker = EngineClients.connect(host());
        }
        return docker;
    }

    @Override
    public void close() throws IOException {
        if (docker != null) {
            docker.close();
        }
        api.close();
        TestEngines.removeEverything(engine);
    }
}
