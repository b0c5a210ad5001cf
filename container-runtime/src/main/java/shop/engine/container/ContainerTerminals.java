package shop.engine.container;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import shop.engine.runtime.Console;
import shop.engine.support.EngineException;

/**
 * The terminals of the running containers created with Tty ({@code docker run -t}). The runtime
 * makes each one's pseudo-terminal and hands the engine its master, a {@link Console}, which this
 * class holds from the start ({@link #hold}) to the exit ({@link #close}):
 *
 * <ul>
 * <li>What the container shows is copied into its stdout.log as it comes, by a thread of its own,
 * so logs and attach read it as they read any container's output. A terminal is one stream: the
 * process's stderr is on it too, and stderr.log gets only what the runtime itself prints (Docker's
 * logs of a container with a TTY have no stderr either).
 * <li>Attach's input is typed into it ({@link #feed}) as it comes, control characters included: the
 * terminal's line discipline turns Ctrl-C into SIGINT for the foreground process and Ctrl-D into the
 * end of its input, as on Docker. When the client's input ends, typing stops and nothing is sent:
 * moby closes a container's stdin at the end of a StdinOnce attach only without a TTY.
 * <li>{@link #resize} sets its size; the kernel sends SIGWINCH to the foreground process.
 * <li>At the exit the copy is let finish before the exit is recorded ({@link #drained}): the terminal
 * hangs up once the last process that had it is gone and what they wrote has been read, and a
 * follower of the logs stops at the recorded exit, so it would miss the last words otherwise.
 * </ul>
 *
 * <p>A container on a terminal that outlived the engine which held it has lost the terminal
 * ({@link Console} says why): it has none here, its input is dropped and resizing it is a conflict.
 */
final class ContainerTerminals {

    /** How long the last output of an exited container may take to be copied before the exit is recorded anyway. */
    private static final long DRAIN_MS = 2_000;
    private static final int CHUNK = 8192;

    /** A container's terminal and its copy into stdout.log. Waiters for output wait on it. */
    private static final class Held {
        final Console console;
        final CompletableFuture<Void> drained = new CompletableFuture<>();
        final AtomicLong copied = new AtomicLong();

        Held(Console console) {
            this.console = console;
        }
    }

    private final Map<String, Held> held = new ConcurrentHashMap<>();

    /** Takes over the terminal of container {@code id}, just started, and copies what it shows into {@code log}. */
    void hold(String id, Console console, Path log) {
        Held terminal = new Held(console);
        Held previous = held.put(id, terminal);
        if (previous != null) {
            previous.console.close();
        }
        Thread copy = new Thread(() -> copy(terminal, log), "terminal of " + id);
        copy.setDaemon(true);
        copy.start();
    }

    private static void copy(Held terminal, Path log) {
        byte[] chunk = new byte[CHUNK];
        OutputStream file = open(log);
        boolean keeping = file != null;
        try {
            for (int n; (n = terminal.console.inputStream().read(chunk)) >= 0; ) {
                if (keeping) {
                    try {
                        file.write(chunk, 0, n);
                    } catch (IOException e) {
                        // A full disk: the output is lost, but the terminal is still read, or the
                        // container would block in its next write once the terminal's buffer filled.
                        keeping = false;
                    }
                }
                terminal.copied.addAndGet(n);
                synchronized (terminal) {
                    terminal.notifyAll();
                }
            }
        } catch (IOException e) {
            // The terminal failed otherwise than by hanging up: there is nothing more to read either way.
        } finally {
            closeQuietly(file);
            terminal.drained.complete(null);
            synchronized (terminal) {
                terminal.notifyAll();
            }
        }
    }

    /** The log to append to; null when it cannot be opened (the container was removed meanwhile). */
    private static OutputStream open(Path log) {
        try {
            return new FileOutputStream(log.toFile(), true);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Types {@code in} into the container's terminal until it ends; input for a container without
     * one (it exited, or lost it) is read and dropped, so the client is never left blocked.
     */
    void feed(String id, InputStream in) {
        Held terminal = held.get(id);
        try (in) {
            try {
                if (terminal != null) {
                    in.transferTo(terminal.console.outputStream());
                }
            } catch (IOException terminalGone) {
                // The terminal hung up under the typing: the rest goes nowhere.
            }
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            // The client went away: typing is over.
        }
    }

    /** Sets the size of the container's terminal. */
    void resize(String id, int rows, int cols) {
        Held terminal = held.get(id);
        if (terminal == null) {
            throw EngineException.conflict("resize " + id.substring(0, 12) + " to " + rows + "x" + cols
                    + ": its terminal is gone (the container exited, or outlived the engine that held the terminal)");
        }
        terminal.console.resize(rows, cols);
    }

    /** How many bytes the container's terminal has shown so far; -1 when it has none. */
    long copied(String id) {
        Held terminal = held.get(id);
        return terminal == null ? -1 : terminal.copied.get();
    }

    /**
     * Waits up to {@code millis} for the terminal to show more than {@code copied} bytes, or to
     * hang up; without a terminal, just waits. A follower of the logs polls with it, so an echo
     * reaches the client at once rather than at the next poll.
     */
    void awaitOutput(String id, long copied, long millis) throws InterruptedException {
        Held terminal = held.get(id);
        if (terminal == null) {
            Thread.sleep(millis);
            return;
        }
        synchronized (terminal) {
            if (terminal.copied.get() == copied && !terminal.drained.isDone()) {
                terminal.wait(millis);
            }
        }
    }

    /**
     * Completes once what the container's terminal showed is all in stdout.log, or {@link #DRAIN_MS}
     * after it is asked for: something that keeps the terminal open must not hold up the exit.
     */
    CompletableFuture<Void> drained(String id) {
        Held terminal = held.get(id);
        return terminal == null ? CompletableFuture.completedFuture(null)
                : terminal.drained.copy().completeOnTimeout(null, DRAIN_MS, TimeUnit.MILLISECONDS);
    }

    /** Lets go of the container's terminal (it exited, or is removed): the terminal hangs up. */
    void close(String id) {
        Held terminal = held.remove(id);
        if (terminal != null) {
            terminal.console.close();
        }
    }

    private static void closeQuietly(OutputStream out) {
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException e) {
            // What was written is in the file either way.
        }
    }
}
