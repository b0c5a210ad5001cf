package shop.engine.api;

import java.nio.file.Path;

/**
 * The Docker Engine API served on a unix socket, so the docker CLI (and other Docker clients)
 * can drive this engine.
 *
 * <p>Lifecycle: {@link #start} re-adopts containers left running by an earlier engine, binds
 * the socket (replacing a stale socket file) and serves until {@link #close}, which stops
 * serving and removes the socket but leaves containers running, as dockerd's live-restore does.
 */
public interface EngineApi extends AutoCloseable {

    void start();

    Path socket();

    @Override
    void close();
}
