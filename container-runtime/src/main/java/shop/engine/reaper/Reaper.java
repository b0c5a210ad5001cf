package shop.engine.reaper;

import com.github.dockerjava.api.DockerClient;
import java.io.PrintStream;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import shop.engine.support.EngineException;

/**
 * A reaper that speaks Ryuk's protocol, so Testcontainers can run with Ryuk on against this
 * engine (moby-ryuk is a Go program on Docker Hub; neither is reachable here). Its life:
 *
 * <ol>
 * <li>{@link #start}: pings the engine, listens, and prints a line with "Started" in it, the
 *     line Testcontainers waits for (its RyukContainer waits for {@code .*Started.*});</li>
 * <li>clients send filter sets ({@link FilterListener}), one connection per test session;</li>
 * <li>{@link #awaitAndPrune}: once no client has been connected for the reconnection timeout
 *     ({@link ClientWatch}), it stops listening, removes what the sets name ({@link Pruner}),
 *     and says what it removed.</li>
 * </ol>
 *
 * Left out from Ryuk: the recheck of creation times before a prune (Ryuk waits again when a
 * matching resource is younger than a second), and the shutdown on SIGTERM, which prunes at once.
 */
public final class Reaper implements AutoCloseable {

    private final DockerClient docker;
    private final ReaperConfig config;
    private final PrintStream log;
    private final ClientWatch watch;
    private final Set<FilterSet> filterSets = Collections.synchronizedSet(new LinkedHashSet<>());
    private FilterListener listener;

    public Reaper(DockerClient docker, ReaperConfig config, PrintStream log) {
        this.docker = docker;
        this.config = config;
        this.log = log;
        this.watch = new ClientWatch(config.connectionTimeout(), config.reconnectionTimeout());
    }

    public void start() {
        try {
            docker.pingCmd().exec();
        } catch (RuntimeException e) {
            throw EngineException.failed("reaper: ping the engine: " + e.getMessage(), e);
        }
        listener = new FilterListener(config.listen(), watch, filterSets, log);
        listener.start();
        log.println("Started: reaper listening on " + listener.address().getAddress().getHostAddress() + ":" + port()
                + "; prunes " + config.reconnectionTimeout().toMillis() + " ms after the last client leaves"
                + " (the first client has " + config.connectionTimeout().toMillis() + " ms)");
        log.flush();
    }

    /** The port clients connect to; the one chosen when the configuration asked for port 0. */
    public int port() {
        return listener.address().getPort();
    }

    /**
     * Blocks until no client has been connected for the timeout, then removes what the clients
     * named. Returns the exit status: 0 when all of it is gone, 1 when something was left (each
     * logged with why), as Ryuk exits.
     */
    public int awaitAndPrune() throws InterruptedException {
        watch.awaitQuiet();
        listener.close();
        List<FilterSet> sets;
        synchronized (filterSets) {
            sets = List.copyOf(filterSets);
        }
        if (sets.isEmpty()) {
            log.println("no client named anything to remove");
            return 0;
        }
        Pruner.Outcome outcome = new Pruner(docker, config.removeRetries(), log).prune(sets);
        outcome.failures().forEach(log::println);
        log.println("removed " + outcome.removed().entrySet().stream()
                .map(kind -> kind.getValue() + " " + kind.getKey() + "(s)").collect(Collectors.joining(", ")));
        log.flush();
        return outcome.failures().isEmpty() ? 0 : 1;
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.close();
        }
    }
}
