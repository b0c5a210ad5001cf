package shop.engine.registry;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Pull and push progress for people: on a terminal one line per layer, redrawn in place with a
 * bar, bytes and speed, as {@code docker pull} shows it; otherwise (a pipe, a log) one plain
 * line per layer event, without the byte-by-byte updates. The engine's CLI and fig both show
 * their pulls and pushes through it.
 */
public final class TerminalProgress implements ProgressListener {

    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private final Map<String, String> lines = new LinkedHashMap<>();
    private final Map<String, Long> started = new LinkedHashMap<>();
    private final Map<String, LayerPhase> phases = new LinkedHashMap<>();
    private int drawn;
    private long lastDraw;

    public TerminalProgress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public synchronized void status(String id, String message) {
        if (terminal) {
            drawn = 0;
        }
        out.println(id == null ? message : id + ": " + message);
    }

    @Override
    public synchronized void layer(String digest, LayerPhase phase, long current, long total) {
        String id = ProgressText.shortId(digest);
        LayerPhase before = phases.put(id, phase);
        if (!terminal) {
            if (before != phase) {
                // A layer's last word carries its size, so a log (or bench/ship) can tell how much moved.
                out.println(id + ": " + phase.text() + (phase.done() && total > 0 ? " (" + ProgressText.megabytes(total) + ")" : ""));
            }
            return;
        }
        long now = System.nanoTime();
        if (phase.moving()) {
            started.putIfAbsent(id, now);
        }
        lines.put(id, id + ": " + phase.text() + (phase.moving() ? " " + bar(current, total, now - started.get(id)) : ""));
        if (before != phase || now - lastDraw >= REDRAW_NANOS) {
            redraw();
            lastDraw = now;
        }
    }

    private void redraw() {
        StringBuilder text = new StringBuilder();
        if (drawn > 0) {
            text.append("\033[").append(drawn).append('A');
        }
        lines.values().forEach(line -> text.append("\r\033[2K").append(line).append('\n'));
        out.print(text);
        out.flush();
        drawn = lines.size();
    }

    private static String bar(long current, long total, long elapsedNanos) {
        double seconds = Math.max(elapsedNanos / 1e9, 1e-3);
        return ProgressText.bar(current, total) + " " + ProgressText.megabytes((long) (current / seconds)) + "/s";
    }
}
