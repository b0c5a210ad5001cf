package shop.engine.runtime;

import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What a terminal showed, kept as it comes, so a test can wait for the prompt or the answer before it
 * types on. Every wait has a deadline and fails with what the terminal did show.
 */
public final class Transcript extends OutputStream {

    public static final Duration DEADLINE = Duration.ofSeconds(10);

    private final ByteArrayOutputStream shown = new ByteArrayOutputStream();
    private boolean ended;

    /** Keeps what {@code terminal} shows, on its own thread, until it ends. */
    public static Transcript of(InputStream terminal) {
        Transcript transcript = new Transcript();
        Thread copy = new Thread(() -> {
            try {
                terminal.transferTo(transcript);
            } catch (IOException e) {
                // The console was closed under the copy: what it showed is kept.
            } finally {
                transcript.close();
            }
        }, "transcript");
        copy.setDaemon(true);
        copy.start();
        return transcript;
    }

    @Override
    public synchronized void write(int b) {
        shown.write(b);
        notifyAll();
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        shown.write(b, off, len);
        notifyAll();
    }

    public synchronized String text() {
        return shown.toString(StandardCharsets.UTF_8);
    }

    /** Waits until the terminal has shown {@code expected}; returns all it showed. */
    public synchronized String await(String expected) throws InterruptedException {
        return await(expected, DEADLINE);
    }

    /** Waits up to {@code within} (a program that starts a JVM first takes longer) for {@code expected}. */
    public synchronized String await(String expected, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!text().contains(expected)) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || ended) {
                fail("the terminal did not show %s; it showed %s%s", quoted(expected), quoted(text()), ended ? " and ended" : "");
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return text();
    }

    /** Waits until the terminal has hung up; returns all it showed. */
    public synchronized String awaitEnd() throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!ended) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("the terminal did not hang up; it showed %s", quoted(text()));
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return text();
    }

    /** The terminal has ended: nothing more will show. */
    @Override
    public synchronized void close() {
        ended = true;
        notifyAll();
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\r", "\\r").replace("\n", "\\n") + "\"";
    }
}
