package shop.engine.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Runs the host tools the engine leans on (mount, crun, ...) and turns failure into an engine error. */
public final class HostCommands {

    private HostCommands() {
    }

    /** Runs to completion; returns stdout. A non-zero exit fails with the command's stderr. */
    public static String run(List<String> command, Path workingDir, String what) {
        return run(command, workingDir, "", what);
    }

    /** As {@link #run(List, Path, String)}, with {@code input} on stdin (e.g. an {@code ip -batch -} script). */
    public static String runWithInput(List<String> command, String input, String what) {
        return run(command, null, input, what);
    }

    private static String run(List<String> command, Path workingDir, String input, String what) {
        ProcessBuilder builder = new ProcessBuilder(command);
        if (workingDir != null) {
            builder.directory(workingDir.toFile());
        }
        try {
            Process process = builder.start();
            try (var stdin = process.getOutputStream()) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
            // stderr on its own thread: a chatty tool must not block on a full pipe we do not read.
            var stderr = new java.util.concurrent.CompletableFuture<String>();
            Thread reader = new Thread(() -> stderr.complete(readQuietly(process.getErrorStream())), "stderr of " + command.get(0));
            reader.setDaemon(true);
            reader.start();
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = process.waitFor();
            if (exit != 0) {
                throw EngineException.failed(what + ": " + command.get(0) + " exited " + exit + ": "
                        + stderr.join().strip(), null);
            }
            return stdout;
        } catch (IOException e) {
            throw EngineException.failed(what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.failed(what + ": interrupted", e);
        }
    }

    private static String readQuietly(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
