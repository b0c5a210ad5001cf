package shop.engine.api;

import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import shop.engine.Engine;
import shop.engine.support.EngineAccess;
import shop.engine.support.EngineException;

/** {@link EngineApi} on Jetty's unix-domain connector. */
public final class UnixSocketApi implements EngineApi {

    /** Docker clients keep connections open between calls; an idle close breaks them (testcontainers-java #6640). */
    private static final long IDLE_TIMEOUT_MS = 24L * 3600 * 1000;

    private final Engine engine;
    private final Path socket;
    private Server server;

    public UnixSocketApi(Engine engine, Path socket) {
        this.engine = engine;
        this.socket = socket.toAbsolutePath();
    }

    @Override
    public void start() {
        engine.containers().recover();
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("engine-api");
        threads.setDaemon(true);
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        // docker-java sends image names with %2F ("localhost%2Fshop%2Fweb"); Jetty refuses that by default.
        http.setUriCompliance(UriCompliance.DEFAULT.with("docker-names",
                UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR, UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING));
        UnixDomainServerConnector connector = new UnixDomainServerConnector(server, new HttpConnectionFactory(http));
        connector.setUnixDomainPath(socket);
        connector.setIdleTimeout(IDLE_TIMEOUT_MS);
        server.addConnector(connector);
        server.setHandler(new Router(engine, engine.events()));
        try {
            Files.createDirectories(socket.getParent());
            Files.deleteIfExists(socket);
            server.start();
            EngineAccess.restrictSocket(socket);
        } catch (Exception e) {
            throw EngineException.failed("serve the Engine API on " + socket + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Path socket() {
        return socket;
    }

    @Override
    public void close() {
        try {
            if (server != null) {
                server.stop();
            }
            Files.deleteIfExists(socket);
        } catch (Exception e) {
            throw EngineException.failed("stop the Engine API on " + socket + ": " + e.getMessage(), e);
        } finally {
            engine.containers().close();
        }
    }
}
