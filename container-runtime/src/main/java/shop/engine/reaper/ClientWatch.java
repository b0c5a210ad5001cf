package shop.engine.reaper;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * When a reaper may prune. It counts connected clients, not filters: while any client is
 * connected nothing is removed; once the count falls to zero, a client has the reconnection
 * timeout to come back (Testcontainers reconnects at once when a connection breaks, so only a
 * session that has ended stays away). Before the first client, the connection timeout applies.
 *
 * <p>The decision to prune and the admission of a client are made under one lock, so a client
 * accepted as the timeout runs out is either counted (and pruning waits for it) or turned away
 * (and closed without an ACK, so it knows its filters were not taken), never lost.
 */
final class ClientWatch {

    private final long reconnectionNanos;
    private long deadline;
    private int clients;
    private boolean closed;

    ClientWatch(Duration connectionTimeout, Duration reconnectionTimeout) {
        this.reconnectionNanos = reconnectionTimeout.toNanos();
        this.deadline = System.nanoTime() + connectionTimeout.toNanos();
    }

    /** Counts a client in; false once the reaper has decided to prune, when the client must be turned away. */
    synchronized boolean admit() {
        if (closed) {
            return false;
        }
        clients++;
        return true;
    }

    synchronized void left() {
        clients--;
        if (clients == 0) {
            deadline = System.nanoTime() + reconnectionNanos;
            notifyAll();
        }
    }

    /** Blocks until no client has been connected for the timeout; from then on {@link #admit} refuses. */
    synchronized void awaitQuiet() throws InterruptedException {
        while (true) {
            long left = deadline - System.nanoTime();
            if (clients == 0 && left <= 0) {
                closed = true;
                return;
            }
            if (clients > 0) {
                wait();
            } else {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }
}
