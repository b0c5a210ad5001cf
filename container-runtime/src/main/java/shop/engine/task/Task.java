package shop.engine.task;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import shop.engine.runtime.Console;
import shop.engine.runtime.InitProcess;

/**
 * A task running: its init, watched by the engine, and the terminal it runs on when it asked for
 * one. Whoever holds the console reads it for as long as the task runs and closes it after the exit.
 */
public record Task(String id, InitProcess init, Optional<Console> console) {

    public long pid() {
        return init.pid();
    }

    /** Completes with the init's exit status once the engine reaps it; with null when it went with an earlier engine process. */
    public CompletableFuture<Integer> exit() {
        return init.exit();
    }
}
