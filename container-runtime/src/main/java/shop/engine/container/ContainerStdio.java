package shop.engine.container;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import shop.engine.support.EngineException;
import shop.engine.task.Task;

/**
 * A container's standard streams as the engine holds them: the FIFO its stdin reads
 * ({@link ContainerStdin}) or the terminal it runs on ({@link ContainerTerminals}), and its two log
 * files, whose growth is noted on a tick for the lines' timestamps ({@link LogFile}).
 *
 * <p>Lifecycle of one run: {@link #stdin} opens the FIFO before the start; {@link #hold} takes the
 * terminal the task started on; {@link #timeLogs} notes the logs' growth while it runs; at the exit,
 * once the terminal is {@link #drained}, {@link #stopTiming} notes it a last time and {@link #release}
 * lets go of the FIFO and the terminal. Meanwhile {@link #logs}, {@link #attach} and {@link #resize}
 * serve the clients.
 */
final class ContainerStdio {

    /** How precise log timestamps are. */
    private static final long LOG_TICK_MS = 100;
    /** How long a follower of a running container's logs waits for more before it looks again. */
    private static final long FOLLOW_MS = 100;

    private final ContainerRecords records;
    private final ContainerExits exits;
    private final ContainerStdin stdins = new ContainerStdin();
    private final ContainerTerminals terminals = new ContainerTerminals();
    /** The log streams of the containers this engine watches, noted on every tick (see LogFile). */
    private final Map<String, List<LogFile>> logClocks = new ConcurrentHashMap<>();

    ContainerStdio(ContainerRecords records, ContainerExits exits, ScheduledExecutorService ticker) {
        this.records = records;
        this.exits = exits;
        ticker.scheduleAtFixedRate(() -> logClocks.keySet().forEach(this::tick), LOG_TICK_MS, LOG_TICK_MS,
                TimeUnit.MILLISECONDS);
    }

    private void tick(String id) {
        logClocks.getOrDefault(id, List.of()).forEach(LogFile::tick);
    }

    /** The FIFO the container's stdin reads, opened, or null: it reads nothing, or its terminal. */
    Path stdin(Container c, Path dir) {
        return !c.config().hasTerminal() && Boolean.TRUE.equals(c.config().openStdin()) ? stdins.open(c.id(), dir) : null;
    }

    /** Holds the terminal the task started on, if it has one, copying what it shows into stdout.log. */
    void hold(Task task, Path dir) {
        task.console().ifPresent(console -> terminals.hold(task.id(), console, dir.resolve("stdout.log")));
    }

    void timeLogs(String id, Path dir) {
        logClocks.put(id, List.of(new LogFile(dir, "stdout"), new LogFile(dir, "stderr")));
    }

    /** Completes once what the container's terminal showed is all in stdout.log (at once without one). */
    CompletableFuture<Void> drained(String id) {
        return terminals.drained(id);
    }

    void stopTiming(String id) {
        tick(id);
        logClocks.remove(id);
    }

    /** Lets go of the FIFO and the terminal: a feed blocked on a full pipe ends; the terminal hangs up. */
    void release(String id) {
        stdins.close(id);
        terminals.close(id);
    }

    void logs(String idOrName, ContainerService.LogOptions options, OutputStream stdout, OutputStream stderr) {
        Container c = records.find(idOrName);
        Path dir = records.dir(c.id());
        // A terminal's output is passed on as it comes: a prompt, or an echo, ends no line.
        boolean partial = c.config().hasTerminal();
        try (LogFile.Reader out = new LogFile(dir, "stdout").new Reader(options.tail(), options.since());
             LogFile.Reader err = new LogFile(dir, "stderr").new Reader(options.tail(), options.since())) {
            while (true) {
                // An auto-removed container vanishes when it exits: its open files still hold its output.
                Container now = options.follow() ? records.findOrNull(c.id()) : null;
                boolean running = now != null && exits.refresh(now).state().running();
                long shown = terminals.copied(c.id());
                do {
                    LogFile.write(out.read(!running || partial), err.read(!running || partial), stdout, stderr, options.timestamps());
                } while (!out.caughtUp() || !err.caughtUp());
                if (!running) {
                    return;
                }
                terminals.awaitOutput(c.id(), shown, FOLLOW_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.failed("logs of " + c.shortId() + ": interrupted", e);
        } catch (IOException e) {
            throw EngineException.failed("logs of " + c.shortId() + ": " + e.getMessage(), e);
        }
    }

    void attach(String idOrName, InputStream in) {
        Container c = records.find(idOrName);
        if (c.config().hasTerminal()) {
            terminals.feed(c.id(), in);
        } else {
            stdins.feed(c.id(), in, Boolean.TRUE.equals(c.config().stdinOnce()));
        }
    }

    void resize(String idOrName, int rows, int cols) {
        Container c = exits.refresh(records.find(idOrName));
        if (!c.config().hasTerminal()) {
            throw EngineException.invalid("resize " + c.shortId() + ": the container was not created with a TTY");
        }
        if (!c.state().running()) {
            throw EngineException.conflict("resize " + c.shortId() + ": the container is not running");
        }
        terminals.resize(c.id(), rows, cols);
    }
}
