package shop.engine.container;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import shop.engine.support.EngineException;
import shop.engine.task.Tasks;

/**
 * What this engine process knows of its containers' exits, and waiting for them.
 *
 * <p>A container whose task this process watches ({@link #watch}) has its exit saved in its record
 * the moment it happens, and the watch ends ({@link #forget}) only after that save. Any other record
 * that says running (a container an earlier engine process started, and that nobody watches yet) is
 * brought up to date when it is read ({@link #refresh}): an init that ended meanwhile took its exit
 * status with it. Waiters sleep until an exit is noted ({@link #noted}) or a short poll passes, for
 * the exits nobody here watches.
 */
final class ContainerExits {

    private static final long POLL_MS = 20;

    private final ContainerRecords records;
    /** The watches of this process, by container id: a token each, so a watch that was replaced knows it. */
    private final Map<String, Object> watched = new ConcurrentHashMap<>();
    /** Exit codes of auto-removed containers, for a client waiting on condition "removed". */
    private final Map<String, Integer> lastExitCodes = new ConcurrentHashMap<>();
    /** Notified whenever a watched container exits, so waiters need not sleep a whole poll interval. */
    private final Object exitSignal = new Object();

    ContainerExits(ContainerRecords records) {
        this.records = records;
    }

    /** Starts watching the container; returns the watch's token. */
    Object watch(String id) {
        Object token = new Object();
        watched.put(id, token);
        return token;
    }

    /** Whether {@code token} is the container's current watch (not ended, nor replaced by a later start). */
    boolean current(String id, Object token) {
        return watched.get(id) == token;
    }

    boolean watched(String id) {
        return watched.containsKey(id);
    }

    void forget(String id) {
        watched.remove(id);
    }

    /** The container went with its exit (auto-remove): a waiter on its removal still gets the code. */
    void removedAfterExit(String id, int exitCode) {
        lastExitCodes.put(id, exitCode);
    }

    /** Wakes the waiters: an exit was saved. */
    void noted() {
        synchronized (exitSignal) {
            exitSignal.notifyAll();
        }
    }

    /**
     * The record, brought up to date when no engine of this process watches the container: an init
     * that ended meanwhile took its exit status with it.
     */
    Container refresh(Container c) {
        if (!c.state().running() || watched.containsKey(c.id())) {
            return c;
        }
        // The watch may have ended after c was read: it saved the exit before it ended, so the
        // record read now has it (read before, it once turned a kill's 137 into 255).
        Container latest = Objects.requireNonNullElse(records.read(c.id()), c);
        if (!latest.state().running() || Tasks.running(latest.state().pid(), Instant.parse(latest.state().startedAt()))) {
            return latest;
        }
        System.err.println("container " + latest.name() + ": its init " + latest.state().pid()
                + " is gone and nobody here watched it: reported as exited, 255");
        return latest.withState(latest.state().withExited(255, Instant.now().toString()));
    }

    /** Waits up to {@code millis} (Long.MAX_VALUE: for ever) until the container no longer runs or is gone. */
    boolean awaitExit(String id, long millis) {
        long deadline = millis == Long.MAX_VALUE ? Long.MAX_VALUE : System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            Container c = records.findOrNull(id);
            if (c == null || !refresh(c).state().running()) {
                return true;
            }
            awaitAnyExit();
        }
        return false;
    }

    /** Docker's wait: until the condition holds; returns the exit code. */
    int await(String idOrName, ContainerService.WaitCondition condition, Runnable armed) {
        Container first = refresh(records.find(idOrName));
        String id = first.id();
        String finishedBefore = first.state().finishedAt();
        armed.run();
        while (true) {
            Container c = records.findOrNull(id);
            if (c == null) {
                Integer last = lastExitCodes.get(id);
                if (condition == ContainerService.WaitCondition.REMOVED && last != null) {
                    return last;
                }
                throw EngineException.notFound("No such container: " + idOrName);
            }
            c = refresh(c);
            boolean settled = !c.state().running() && watched.get(id) == null
                    && !c.hostConfig().restartPolicy().pending(c.state());
            boolean exitedSince = c.state().status().equals("exited")
                    && !Objects.equals(c.state().finishedAt(), finishedBefore);
            boolean done = switch (condition) {
                case NOT_RUNNING -> settled;
                case NEXT_EXIT -> settled && exitedSince;
                case REMOVED -> false;
            };
            if (done) {
                return c.state().exitCode();
            }
            awaitAnyExit();
        }
    }

    /** Sleeps until some container exits or the poll interval passes (a container another process watches). */
    private void awaitAnyExit() {
        synchronized (exitSignal) {
            try {
                exitSignal.wait(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw EngineException.failed("interrupted", e);
            }
        }
    }
}
