package shop.engine.client;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.nio.file.Path;
import java.time.Duration;
import shop.engine.daemon.EngineDaemon;

/**
 * Clients of the Docker Engine API (docker-java, the client Testcontainers uses). By default
 * they reach the bundled engine of a state directory on {@code <state>/engine.sock}, starting it
 * as a daemon when no socket answers ({@link EngineDaemon}); with {@code DOCKER_HOST} set they
 * drive whatever engine answers there (Docker, Podman, or another of ours).
 */
public final class EngineClients {

    private EngineClients() {
    }

    /**
     * {@code DOCKER_HOST} when set; otherwise the bundled engine of {@code state}, started if needed
     * with this OCI runtime. An engine already running keeps the runtime it was started with, as a
     * Docker daemon keeps its configuration whatever its clients ask.
     */
    public static DockerClient connect(Path state, String runtime) {
        return connect(host(state, runtime));
    }

    static DockerClient connect(Path state, String runtime, String dockerHost) {
        return connect(host(state, runtime, dockerHost));
    }

    /** The API to use, as {@link #connect(Path, String)} chooses it: a DOCKER_HOST-style address. */
    public static String host(Path state, String runtime) {
        return host(state, runtime, System.getenv("DOCKER_HOST"));
    }

    private static String host(Path state, String runtime, String dockerHost) {
        if (dockerHost != null && !dockerHost.isEmpty()) {
            return dockerHost;
        }
        return "unix://" + EngineDaemon.ensureRunning(state, runtime);
    }

    public static DockerClient connect(String dockerHost) {
        DockerClientConfig config = config(dockerHost);
        return DockerClientImpl.getInstance(config, http(config));
    }

    /** Plain HTTP to the API, for what docker-java parses away or does not offer (EngineRequests). */
    public static DockerHttpClient http(String dockerHost) {
        return http(config(dockerHost));
    }

    private static DockerClientConfig config(String dockerHost) {
        return DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(dockerHost).build();
    }

    private static DockerHttpClient http(DockerClientConfig config) {
        return new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .connectionTimeout(Duration.ofSeconds(10))
                .build();
    }
}
