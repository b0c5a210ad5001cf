package shop.engine.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The processes of a container, seen from the host through /proc. */
public final class ContainerProcesses {

    private ContainerProcesses() {
    }

    /**
     * Waits until a process named {@code command} runs in the pid namespace of {@code init}, beside
     * it, so a keystroke meant for it does not reach the shell that is about to start it; returns its pid.
     */
    public static long awaitRunning(long init, String command) throws IOException, InterruptedException {
        Path namespace = Files.readSymbolicLink(Path.of("/proc", Long.toString(init), "ns", "pid"));
        long deadline = System.nanoTime() + Transcript.DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Long> found = ProcessHandle.allProcesses().map(ProcessHandle::pid)
                    .filter(pid -> pid != init && isIn(pid, namespace, command)).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + command + " ran beside process " + init + " within " + Transcript.DEADLINE);
    }

    private static boolean isIn(long pid, Path namespace, String command) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            return Files.readString(proc.resolve("comm")).strip().equals(command)
                    && Files.readSymbolicLink(proc.resolve("ns").resolve("pid")).equals(namespace);
        } catch (IOException e) {
            return false; // gone meanwhile
        }
    }
}
