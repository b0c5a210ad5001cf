package shop.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import shop.engine.runtime.ContainerProcesses;
import shop.engine.runtime.Transcript;

/**
 * A shell command run on a pseudo-terminal of its own, as a user's terminal runs it: util-linux
 * {@code script} makes the terminal, types into it what the test writes to script's stdin, and
 * shows on its stdout what the command shows. So a client that insists on a terminal (the docker
 * CLI's {@code -t}) runs as it would for a user, raw mode, size and SIGWINCH included.
 *
 * <p>Every wait has a deadline; closing kills whatever is left of the command, by pid.
 */
public final class ScriptedTerminal implements AutoCloseable {

    public static final String CTRL_C = "\u0003";
    public static final String CTRL_D = "\u0004";

    private final Process script;
    private final OutputStream keyboard;
    private final Transcript transcript;

    private ScriptedTerminal(Process script) {
        this.script = script;
        this.keyboard = script.getOutputStream();
        this.transcript = Transcript.of(script.getInputStream());
    }

    /** Runs {@code command} with /bin/sh on a new terminal, with {@code env} added to this process's environment. */
    public static ScriptedTerminal run(Map<String, String> env, String command) throws IOException {
        // -e: script exits with the command's status; -f: it passes output on at once; -q: no banner.
        ProcessBuilder builder = new ProcessBuilder("script", "-qfec", command, "/dev/null").redirectErrorStream(true);
        builder.environment().putAll(env);
        builder.environment().put("SHELL", "/bin/sh");
        return new ScriptedTerminal(builder.start());
    }

    /** What the terminal has shown so far, and waits for more. */
    public Transcript transcript() {
        return transcript;
    }

    /** Types on the terminal, control characters included. */
    public void type(String keys) throws IOException {
        keyboard.write(keys.getBytes(StandardCharsets.UTF_8));
        keyboard.flush();
    }

    /** Types {@code keys} until the terminal shows {@code expected}: a resize reaches the far side a moment later. */
    public void typeUntilShown(String keys, String expected) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Transcript.DEADLINE.toNanos();
        while (!transcript.text().contains(expected) && System.nanoTime() < deadline) {
            type(keys);
            Thread.sleep(100);
        }
        transcript.await(expected);
    }

    /**
     * At the prompt of an interactive shell in a container whose init is {@code init}: Ctrl-C ends
     * a sleep in front with SIGINT (status 130), then Ctrl-D ends cat's input (status 0). Each key
     * waits for its program to run, or the shell would get it.
     */
    public void interruptSleepThenEndCat(long init) throws IOException, InterruptedException {
        type("sleep 100\r");
        ContainerProcesses.awaitRunning(init, "sleep");
        type(CTRL_C);
        type("echo sleep ended with $?\r");
        transcript.await("sleep ended with 130\r\n");

        type("cat; echo cat ended with $?\r");
        ContainerProcesses.awaitRunning(init, "cat");
        type("typed\r");
        transcript.await("typed\r\ntyped\r\n");
        type(CTRL_D);
        transcript.await("cat ended with 0\r\n");
    }

    /**
     * Resizes the terminal from outside, as a user resizing the window does: the kernel sends
     * SIGWINCH to the program in front on it.
     */
    public void resize(int rows, int cols) throws IOException, InterruptedException {
        Process stty = new ProcessBuilder("stty", "-F", device().toString(), "rows", Integer.toString(rows),
                "cols", Integer.toString(cols)).redirectErrorStream(true).start();
        if (!stty.waitFor(Transcript.DEADLINE.toSeconds(), TimeUnit.SECONDS) || stty.exitValue() != 0) {
            throw new AssertionError("stty could not resize " + device() + ": " + new String(stty.getInputStream().readAllBytes()));
        }
    }

    /** The terminal's device: what the shell script started has as its stdin. */
    private Path device() throws IOException {
        List<ProcessHandle> shells = script.children().toList();
        if (shells.isEmpty()) {
            throw new AssertionError("script runs no command any more");
        }
        return Files.readSymbolicLink(Path.of("/proc", Long.toString(shells.get(0).pid()), "fd", "0"));
    }

    /** Waits for the command to end; returns its exit status. */
    public int awaitExit() throws InterruptedException {
        if (!script.waitFor(Transcript.DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("the command did not end within " + Transcript.DEADLINE + "; the terminal showed \""
                    + transcript.text() + "\"");
        }
        transcript.awaitEnd();
        return script.exitValue();
    }

    /** Kills what is left of the command, its descendants first. */
    @Override
    public void close() {
        script.descendants().forEach(ProcessHandle::destroyForcibly);
        script.destroyForcibly();
    }
}
