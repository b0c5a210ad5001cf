package shop.engine.runtime;

import shop.engine.EngineException;

/**
 * A terminal's size in character cells, as the kernel keeps it (struct winsize: unsigned shorts).
 * {@link #UNSET} leaves a new terminal at the runtime's 0 x 0, which {@code stty size} reports and
 * full-screen programs read as "no size"; Docker's clients send the real one right after the start.
 */
public record TerminalSize(int rows, int cols) {

    public static final TerminalSize UNSET = new TerminalSize(0, 0);

    private static final int MAX = 0xffff;

    public TerminalSize {
        if (rows < 0 || rows > MAX || cols < 0 || cols > MAX) {
            throw EngineException.invalid("terminal size " + rows + "x" + cols + ": rows and columns go from 0 to " + MAX);
        }
    }

    boolean isSet() {
        return rows > 0 && cols > 0;
    }
}
