package shop.engine.terminal;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import shop.engine.runtime.TerminalSize;
import shop.engine.support.EngineException;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The terminal this process's stdin is, the user's: its size, raw mode, and its resizes.
 *
 * <p>Its settings are changed with stty(1) run on the same stdin rather than with tcsetattr(3)
 * through JNA: stty knows struct termios on every platform, and saving and restoring its whole
 * state is its {@code -g}. Raw mode is stty's {@code raw -echo}: no line editing, no echo, no
 * signals from keys and no output processing, so each key leaves as the byte it is and the
 * program on the far terminal gets what a local one would. The JVM knows no SIGWINCH, so a resize
 * is caught with {@code sun.misc.Signal}, the JDK's one door to signals it does not use itself.
 */
public final class LocalTerminal {

    private interface C extends Library {
        C LIBC = Native.load("c", C.class);

        int isatty(int fd);
    }

    private static final int STDIN = 0;
    private static final long STTY_TIMEOUT_S = 5;

    private LocalTerminal() {
    }

    /** True when stdin is a terminal, as {@code docker run -it} requires and fig's run and exec look for. */
    public static boolean stdinIsTerminal() {
        return C.LIBC.isatty(STDIN) == 1;
    }

    /** The terminal's size; unset when it has none (a fresh pseudo-terminal says 0 0). */
    public static TerminalSize size() {
        String[] rowsCols = stty("size").strip().split("\\s+");
        if (rowsCols.length != 2) {
            return TerminalSize.UNSET;
        }
        return new TerminalSize(Integer.parseInt(rowsCols[0]), Integer.parseInt(rowsCols[1]));
    }

    /** Restores the terminal's settings; closing twice restores once. */
    public interface Mode extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Puts the terminal in raw mode until the returned mode is closed, or the JVM exits (a kill,
     * System.exit), whichever comes first: a shell left raw shows no typing and ignores Enter.
     */
    public static Mode raw() {
        String saved = stty("-g").strip();
        Thread restoreAtExit = new Thread(() -> stty(saved), "restore terminal");
        Runtime.getRuntime().addShutdownHook(restoreAtExit);
        stty("raw", "-echo");
        return new Mode() {
            private boolean restored;

            @Override
            public synchronized void close() {
                if (restored) {
                    return;
                }
                restored = true;
                stty(saved);
                try {
                    Runtime.getRuntime().removeShutdownHook(restoreAtExit);
                } catch (IllegalStateException exiting) {
                    // The hook runs, or has run, anyway.
                }
            }
        };
    }

    /**
     * Calls {@code resized} with the new size each time the terminal is resized (SIGWINCH), until
     * the returned handle is closed; then the signal is handled as before.
     */
    public static Mode onResize(Consumer<TerminalSize> resized) {
        Signal winch = new Signal("WINCH");
        SignalHandler previous = Signal.handle(winch, signal -> resized.accept(size()));
        return () -> Signal.handle(winch, previous);
    }

    /** stty on this process's stdin; what it prints. */
    private static String stty(String... args) {
        List<String> command = new ArrayList<>(List.of("stty"));
        command.addAll(List.of(args));
        try {
            Process stty = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectErrorStream(true).start();
            String out = new String(stty.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!stty.waitFor(STTY_TIMEOUT_S, TimeUnit.SECONDS) || stty.exitValue() != 0) {
                throw EngineException.failed("stty " + String.join(" ", args) + " on stdin: " + out.strip(), null);
            }
            return out;
        } catch (IOException e) {
            throw EngineException.failed("stty " + String.join(" ", args) + " on stdin: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.failed("stty " + String.join(" ", args) + " on stdin: interrupted", e);
        }
    }
}
