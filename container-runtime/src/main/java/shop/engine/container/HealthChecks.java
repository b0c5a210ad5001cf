package shop.engine.container;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import shop.engine.image.ContainerConfig;
import shop.engine.support.EngineException;

/**
 * Docker's healthchecks: while a container runs, its check command runs in it every interval;
 * a pass makes it "healthy", {@code retries} failures in a row "unhealthy", and failures during the
 * start period do not count. Within the start period and until its first pass, a container is
 * checked every start interval instead (Docker 25's rule, 5 s unless set), so what waits for it to
 * be healthy waits for the service, not for a long interval to come round.
 *
 * <p>Probes run on their own two threads, not the supervisor's: a probe is an exec that may take
 * its whole timeout, and queued behind probes an exit once went unnoticed past a stop's wait. A
 * probe that overruns its timeout (Docker's 30 s by default) is killed with what it started and
 * counts as a failure, so no frozen service holds a probe thread.
 */
final class HealthChecks {

    private static final long DEFAULT_INTERVAL_MS = 30_000;
    private static final long DEFAULT_START_INTERVAL_MS = 5_000;
    private static final long DEFAULT_TIMEOUT_MS = 30_000;
    private static final int DEFAULT_RETRIES = 3;

    /** What a probe needs from the containers. */
    interface Target {
        /** Runs the check in the running container; its exit code, or non-zero when it could not run. */
        int probe(String id, List<String> cmd, Duration timeout);

        /** Stores the health this outcome gives a container that still runs; nothing when it no longer does. */
        void record(String id, Outcome outcome);
    }

    /** One probe's result, with what it means for the streak. */
    record Outcome(boolean passed, boolean inStartPeriod, int retries) {

        /** The health after this probe, from the health before it. */
        ContainerState.Health next(ContainerState.Health old) {
            ContainerState.Health before = old == null ? new ContainerState.Health("starting", 0) : old;
            if (passed) {
                return new ContainerState.Health("healthy", 0);
            }
            if (inStartPeriod) {
                return before;
            }
            int streak = before.failingStreak() + 1;
            return new ContainerState.Health(streak >= retries ? "unhealthy" : before.status(), streak);
        }
    }

    private final Target target;
    private final ScheduledExecutorService probes = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "container-healthcheck");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Check> scheduled = new ConcurrentHashMap<>();

    HealthChecks(Target target) {
        this.target = target;
    }

    /** Docker's rules: durations are 0 (the default) or at least 1 ms, retries are not negative. */
    static void validate(ContainerConfig.Healthcheck hc) {
        if (hc == null) {
            return;
        }
        Map<String, Long> durations = new LinkedHashMap<>();
        durations.put("Interval", hc.interval());
        durations.put("Timeout", hc.timeout());
        durations.put("StartPeriod", hc.startPeriod());
        durations.put("StartInterval", hc.startInterval());
        durations.forEach((field, nanos) -> {
            if (nanos != null && nanos != 0 && nanos < 1_000_000) {
                throw EngineException.invalid(field + " in Healthcheck cannot be less than 1ms");
            }
        });
        if (hc.retries() != null && hc.retries() < 0) {
            throw EngineException.invalid("Retries in Healthcheck cannot be negative");
        }
    }

    /** Whether the container has a check to run (an image's can be switched off with NONE). */
    static boolean checks(ContainerConfig config) {
        ContainerConfig.Healthcheck hc = config.healthcheck();
        return hc != null && hc.test() != null && !hc.test().isEmpty() && !hc.test().get(0).equals("NONE");
    }

    /** Starts checking a container that has just started (or been re-adopted). */
    void schedule(Container c) {
        if (!checks(c.config())) {
            return;
        }
        Check check = new Check(c.id(), c.config().healthcheck(), System.currentTimeMillis());
        Check previous = scheduled.put(c.id(), check);
        if (previous != null) {
            previous.cancel();
        }
        check.next();
    }

    void stop(String id) {
        Check check = scheduled.remove(id);
        if (check != null) {
            check.cancel();
        }
    }

    void close() {
        probes.shutdownNow();
    }

    /** One container's checks: each probe schedules the next, after the interval that applies then. */
    private final class Check implements Runnable {
        private final String id;
        private final ContainerConfig.Healthcheck hc;
        private final long startedAt;
        private boolean passed;
        private boolean cancelled;
        private ScheduledFuture<?> next;

        Check(String id, ContainerConfig.Healthcheck hc, long startedAt) {
            this.id = id;
            this.hc = hc;
            this.startedAt = startedAt;
        }

        @Override
        public void run() {
            boolean pass = probe(id, hc, startedAt);
            synchronized (this) {
                passed |= pass;
            }
            next();
        }

        synchronized void next() {
            boolean starting = !passed && System.currentTimeMillis() - startedAt < millis(hc.startPeriod(), 0);
            long delay = starting ? millis(hc.startInterval(), DEFAULT_START_INTERVAL_MS) : millis(hc.interval(), DEFAULT_INTERVAL_MS);
            if (!cancelled) {
                try {
                    next = probes.schedule(this, delay, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    // The engine is closing: no more checks.
                }
            }
        }

        synchronized void cancel() {
            cancelled = true;
            if (next != null) {
                next.cancel(false);
            }
        }
    }

    /** Runs the check once and records its outcome; whether it passed. */
    private boolean probe(String id, ContainerConfig.Healthcheck hc, long startedAt) {
        List<String> test = hc.test();
        List<String> cmd = switch (test.get(0)) {
            case "CMD" -> test.subList(1, test.size());
            case "CMD-SHELL" -> List.of("/bin/sh", "-c", String.join(" ", test.subList(1, test.size())));
            default -> List.of("/bin/sh", "-c", String.join(" ", test));
        };
        int code = target.probe(id, cmd, Duration.ofMillis(millis(hc.timeout(), DEFAULT_TIMEOUT_MS)));
        boolean inStartPeriod = System.currentTimeMillis() - startedAt < millis(hc.startPeriod(), 0);
        int retries = hc.retries() == null || hc.retries() <= 0 ? DEFAULT_RETRIES : hc.retries();
        target.record(id, new Outcome(code == 0, inStartPeriod, retries));
        return code == 0;
    }

    private static long millis(Long nanos, long dflt) {
        return nanos == null || nanos <= 0 ? dflt : Math.max(1, nanos / 1_000_000);
    }
}
