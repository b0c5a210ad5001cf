package shop.engine.fig;

import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.model.BuildResponseItem;
import java.io.PrintStream;
import java.util.Locale;

/**
 * What fig prints while it builds a service's image, so that a long first {@code up} is not
 * silent: each step and its output as the engine streams them, one line each and prefixed with the
 * service, as docker-compose prints them without a terminal; then {@link #summary}, how long the
 * build took and how many steps the cache saved.
 */
final class BuildProgress extends BuildImageResultCallback {

    private final String service;
    private final PrintStream out;
    private final long started = System.nanoTime();
    /** The stream comes in chunks that need not end at a line's end. */
    private final StringBuilder pending = new StringBuilder();
    private int steps;
    private int cached;

    BuildProgress(String service, PrintStream out) {
        this.service = service;
        this.out = out;
    }

    @Override
    public void onNext(BuildResponseItem item) {
        if (item.getStream() != null) {
            print(item.getStream());
        }
        super.onNext(item);
    }

    private synchronized void print(String chunk) {
        pending.append(chunk);
        for (int end = pending.indexOf("\n"); end >= 0; end = pending.indexOf("\n")) {
            String line = pending.substring(0, end).stripTrailing();
            pending.delete(0, end + 1);
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("Step ")) {
                steps++;
            } else if (line.strip().equals("---> Using cache")) {
                cached++;
            }
            out.println(service + " | " + line);
        }
    }

    synchronized String summary() {
        double seconds = (System.nanoTime() - started) / 1e9;
        return String.format(Locale.ROOT, "Built %s in %.1f s (%d of %d steps from the cache)", service, seconds,
                cached, steps);
    }
}
