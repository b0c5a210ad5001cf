package shop.engine.runtime;

import java.util.List;
import shop.engine.support.EngineException;

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

    /**
     * Docker's {@code ConsoleSize}, {@code [height, width]}, as a size; null when absent (or empty,
     * as a stored record without one reads). Anything else is refused with the name of the
     * {@code field} it came in.
     */
    public static TerminalSize ofConsoleSize(List<Integer> heightWidth, String field) {
        if (heightWidth == null || heightWidth.isEmpty()) {
            return null;
        }
        if (heightWidth.size() != 2 || heightWidth.contains(null) || heightWidth.stream().anyMatch(n -> n < 0 || n > MAX)) {
            throw EngineException.invalid(field + ": " + heightWidth + " is not [height, width], each from 0 to " + MAX);
        }
        return new TerminalSize(heightWidth.get(0), heightWidth.get(1));
    }

    boolean isSet() {
        return rows > 0 && cols > 0;
    }
}
