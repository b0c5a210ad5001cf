package shop.engine.runtime;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import shop.engine.support.EngineException;

/**
 * A container's init process, watched by the engine itself: no helper process stays behind per
 * container.
 *
 * <p>The runtime starts a container detached and exits, which orphans the init (and, for crun, an
 * intermediate process of its own). The engine's process is a child subreaper (prctl
 * PR_SET_CHILD_SUBREAPER), so the kernel hands those orphans to it rather than to the machine's
 * pid 1. One thread waits for any child to exit (waitid, without reaping) and reaps the inits it
 * watches, which gives their exit status, and the other orphans of the runtime (see
 * {@link #reapIfOurs}); the JDK reaps the processes it started itself. An init inherited from an
 * earlier engine process went to pid 1 when that process ended: it is still watched (by polling),
 * but its exit status was lost with its parent, so {@link #exit} completes with null (Docker
 * reports such a container as exited, 255).
 *
 * <p>A pid the kernel reuses is told apart by its start time: a process that started after the
 * container did is not its init.
 */
public final class InitProcess {

    private static final int PR_SET_CHILD_SUBREAPER = 36;
    private static final int P_ALL = 0;
    private static final int WNOHANG = 1;
    private static final int WEXITED = 4;
    private static final int WNOWAIT = 0x01000000;
    /**
     * A zombie child nobody claims this long is not the JDK's: the JDK waits in waitpid for each
     * process it starts from the moment it starts it, so it reaps at once. Orphans from elsewhere
     * (daemons a test or a tool started, a runtime helper that leads a session) are reaped then.
     */
    private static final long UNCLAIMED_ZOMBIE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * A container's init that exited before its start returned waits this long for its watch,
     * which takes its status: a loaded machine (a JVM in a long collection) can take over a second
     * between the runtime's exit and the watch, and reaping earlier loses the status (exit 255).
     */
    private static final long UNCLAIMED_INIT_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** How long a runtime's intermediate may take to exit and leave the init to this process. */
    private static final long ADOPTION_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The unit of start times in /proc/<pid>/stat; 100 on every Linux the JDK supports. */
    private static final int USER_HZ = 100;

    private static final LibC LIBC = LibC.INSTANCE;
    private static final Object LOCK = new Object();
    /** The inits being waited for in this process, by pid; guarded by LOCK. */
    private static final Map<Long, Watch> WATCHED = new HashMap<>();
    /** The session the engine runs in; processes it starts stay in it, unless setsid made them leaders. */
    private static final long SELF = ProcessHandle.current().pid();
    private static final long OWN_SESSION = stat(SELF).session();
    private static final int OWN_PID_NAMESPACE_DEPTH = nsPids(Path.of("/proc/self/status")).size();
    private static boolean reaping;

    private record Watch(CompletableFuture<Integer> exit, Instant startedBy) {
    }

    private final long pid;
    private final CompletableFuture<Integer> exit;

    private InitProcess(long pid, CompletableFuture<Integer> exit) {
        this.pid = pid;
        this.exit = exit;
    }

    /** Makes this process the parent of the inits its runtimes orphan, and starts reaping them; idempotent. */
    static void becomeSubreaper() {
        synchronized (LOCK) {
            if (reaping) {
                return;
            }
            if (LIBC.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
                throw EngineException.failed("make the engine a child subreaper: prctl: " + LibC.why(), null);
            }
            Thread reaper = new Thread(InitProcess::reapChildren, "container-reaper");
            reaper.setDaemon(true);
            reaper.start();
            ScheduledExecutorService adopted = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "adopted-container-watch");
                t.setDaemon(true);
                return t;
            });
            adopted.scheduleWithFixedDelay(InitProcess::checkAdopted, 1, 1, TimeUnit.SECONDS);
            reaping = true;
        }
    }

    /**
     * Watches the init a runtime has just started, once it is this process's child. crun's
     * {@code run --detach} returns before its intermediate process has exited (half the time here),
     * so for a moment the init's parent is that intermediate; the kernel hands the init over within
     * a millisecond. Waiting for it means a started container has the engine as its parent, no
     * runtime process between them. An init that ends meanwhile is watched as it is.
     */
    public static InitProcess started(long pid, Instant startedBy) {
        long deadline = System.nanoTime() + ADOPTION_NANOS;
        Stat stat = stat(pid);
        while (stat.parent() != SELF && stat.state() != '?' && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
            stat = stat(pid);
        }
        return watch(pid, startedBy);
    }

    /**
     * Watches the init with this pid, started at or before {@code startedBy}; when no such process
     * exists any more, {@link #exit} completes at once with null. Engines in one process share one
     * watch per init.
     */
    public static InitProcess watch(long pid, Instant startedBy) {
        synchronized (LOCK) {
            Watch watch = WATCHED.get(pid);
            if (watch == null) {
                watch = new Watch(new CompletableFuture<>(), startedBy);
                // A child of ours is the init just started (its pid cannot be reused before we reap it);
                // only an adopted pid needs its start time checked.
                if (stat(pid).parent() == SELF || alive(pid, startedBy)) {
                    WATCHED.put(pid, watch);
                    LOCK.notifyAll();
                } else {
                    watch.exit().complete(null);
                }
            }
            return new InitProcess(pid, watch.exit());
        }
    }

    public long pid() {
        return pid;
    }

    /** Completes when the init has exited: its status (128 + signal when killed), or null when unknown. */
    public CompletableFuture<Integer> exit() {
        return exit;
    }

    /**
     * True while the process with this pid is the init that started at or before {@code startedBy}
     * (a zombie too, until its parent collects its status).
     */
    public static boolean alive(long pid, Instant startedBy) {
        if (pid <= 0) {
            return false;
        }
        Stat stat = stat(pid);
        // A second of slack for the ticks' rounding and for a start recorded just before the init ran.
        return stat.state() != '?' && !startTime(stat).isAfter(startedBy.plusSeconds(1));
    }

    /**
     * When the process started, on today's wall clock: its start in clock ticks after boot, set
     * against /proc/uptime now. (The JDK's startInstant adds those ticks to a boot time it reads
     * once, in whole seconds, which the clock's adjustments since have moved: 0.4 s off here.)
     */
    private static Instant startTime(Stat stat) {
        try {
            double uptime = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
            long ageMillis = Math.round((uptime - stat.startTicks() / (double) USER_HZ) * 1000);
            return Instant.now().minusMillis(ageMillis);
        } catch (IOException | RuntimeException e) {
            return Instant.MIN;
        }
    }

    private static void reapChildren() {
        Map<Long, Long> unclaimedSince = new HashMap<>();
        int[] info = new int[32];
        while (true) {
            info[4] = 0;
            if (LIBC.waitid(P_ALL, 0, info, WEXITED | WNOWAIT) != 0) {
                // No child at all (ECHILD): nothing can exit until something starts.
                awaitWork();
                continue;
            }
            long pid = info[4];
            if (pid <= 0 || reapIfOurs(pid)) {
                unclaimedSince.remove(pid);
                continue;
            }
            // waitid keeps reporting this one zombie, most likely a process the JDK started and is
            // about to reap. The zombies behind it are looked at together, each on its own clock:
            // one at a time, 5 s each, a backlog of exec leftovers once grew faster than it drained,
            // and a killed init waited behind it (see reapIfOurs).
            sweepZombies(unclaimedSince);
            sleep(10);
        }
    }

    private static void sweepZombies(Map<Long, Long> unclaimedSince) {
        long now = System.nanoTime();
        Set<Long> zombies = zombieChildren();
        unclaimedSince.keySet().retainAll(zombies);
        for (long pid : zombies) {
            if (reapIfOurs(pid)) {
                unclaimedSince.remove(pid);
            } else if (now - unclaimedSince.computeIfAbsent(pid, p -> now)
                    > (containerInit(pid) ? UNCLAIMED_INIT_NANOS : UNCLAIMED_ZOMBIE_NANOS)) {
                reap(pid);
                unclaimedSince.remove(pid);
            }
        }
    }

    /** This process's zombie children, from every thread's children list (orphans go to any live thread). */
    private static Set<Long> zombieChildren() {
        Set<Long> zombies = new HashSet<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                String children;
                try {
                    children = Files.readString(task.resolve("children")).strip();
                } catch (IOException e) {
                    continue; // a thread that ended while listed
                }
                for (String child : children.isEmpty() ? new String[0] : children.split(" ")) {
                    long pid = Long.parseLong(child);
                    if (stat(pid).state() == 'Z') {
                        zombies.add(pid);
                    }
                }
            }
        } catch (IOException e) {
            // No task list to read: waitid still reports zombies one at a time.
        }
        return zombies;
    }

    /**
     * Reaps the zombie {@code pid} when it is ours to reap; false if it may be the JDK's.
     * <ul>
     * <li>A watched init: its status completes its exit. /proc shows a multithreaded init's leader as
     * a zombie while its other threads still run (a JVM's do, for a while): it has exited only once
     * waitpid collects it, and an early collection would find no status and report 255.
     * <li>A runtime's helper: crun forks intermediates that outlive the command that forked them (a
     * start's, an exec's). They run outside the engine's session and lead no session of their own:
     * every runtime command runs under setsid, and what else the engine starts stays in its session.
     * <li>A process of a container's pid namespace, not its init, orphaned when an exec's runtime
     * exited before it. The JDK never starts one there, and the namespace's dying init waits until
     * it is reaped.
     * </ul>
     */
    private static boolean reapIfOurs(long pid) {
        synchronized (LOCK) {
            Watch watch = WATCHED.get(pid);
            if (watch != null) {
                Integer status = reap(pid);
                if (status != null) {
                    WATCHED.remove(pid);
                    watch.exit().complete(status);
                }
                return true;
            }
            Stat stat = stat(pid);
            boolean runtimeHelper = (stat.command().startsWith("crun") || stat.command().startsWith("runc"))
                    && stat.session() != OWN_SESSION && stat.session() != pid;
            if (runtimeHelper || orphanOfAContainer(pid)) {
                reap(pid);
                return true;
            }
            return false;
        }
    }

    /**
     * True for a process of a container's pid namespace that is not its init. An init that is not
     * watched yet may be one that exited before its start returned: its status waits for the watch
     * ({@link #UNCLAIMED_INIT_NANOS}).
     */
    private static boolean orphanOfAContainer(long pid) {
        return Boolean.FALSE.equals(inContainerAsInit(pid));
    }

    private static boolean containerInit(long pid) {
        return Boolean.TRUE.equals(inContainerAsInit(pid));
    }

    /**
     * For a process of a pid namespace below the engine's, whether it is that namespace's init
     * (NSpid lists its pid at every level; an init is 1 in its own); null for any other process,
     * or when the depth is unknown (no NSpid, an old kernel).
     */
    private static Boolean inContainerAsInit(long pid) {
        List<String> nsPids = nsPids(Path.of("/proc", Long.toString(pid), "status"));
        if (OWN_PID_NAMESPACE_DEPTH == 0 || nsPids.size() <= OWN_PID_NAMESPACE_DEPTH) {
            return null;
        }
        return nsPids.get(nsPids.size() - 1).equals("1");
    }

    /** The NSpid field of a status file: the process's pid in each pid namespace it is in, outermost first. */
    private static List<String> nsPids(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("NSpid:")) {
                    return List.of(line.substring("NSpid:".length()).strip().split("\\s+"));
                }
            }
        } catch (IOException | RuntimeException e) {
            // Gone meanwhile.
        }
        return List.of();
    }

    /**
     * Inits that are not this process's children (adopted from an earlier engine) end without a status.
     * Children are left to waitid: a start time computed from the wall clock could misjudge them.
     */
    private static void checkAdopted() {
        synchronized (LOCK) {
            WATCHED.entrySet().removeIf(entry -> {
                boolean gone = stat(entry.getKey()).parent() != SELF
                        && !alive(entry.getKey(), entry.getValue().startedBy());
                if (gone) {
                    entry.getValue().exit().complete(null);
                }
                return gone;
            });
        }
    }

    private static void awaitWork() {
        synchronized (LOCK) {
            try {
                LOCK.wait(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private record Stat(String command, char state, long parent, long session, long startTicks) {
    }

    /** From /proc/<pid>/stat: the command name (in parentheses, may hold spaces), state, parent, session id and start. */
    private static Stat stat(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int close = stat.lastIndexOf(')');
            String[] fields = stat.substring(close + 2).split(" ");
            return new Stat(stat.substring(stat.indexOf('(') + 1, close), fields[0].charAt(0), Long.parseLong(fields[1]),
                    Long.parseLong(fields[3]), Long.parseLong(fields[19]));
        } catch (IOException | RuntimeException e) {
            return new Stat("", '?', -1, -1, 0);
        }
    }

    /** Collects a child's exit status; null when the pid is not (or no longer) a child of this process. */
    private static Integer reap(long pid) {
        int[] status = new int[1];
        if (LIBC.waitpid((int) pid, status, WNOHANG) != pid) {
            return null;
        }
        int signal = status[0] & 0x7f;
        return signal == 0 ? (status[0] >> 8) & 0xff : 128 + signal;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
