package shop.engine.fig;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Interleaves the logs of many containers line by line, each prefixed with its name padded to a
 * common width, in a colour per container when the output is a terminal (as Fig does).
 */
final class LogPrinter implements Closeable {

    private static final String[] COLOURS = {"36", "33", "32", "35", "34", "31", "96", "93", "92", "95", "94", "91"};

    private final DockerClient docker;
    private final PrintStream out;
    private final boolean colour;
    private final List<ResultCallback.Adapter<Frame>> streams = new ArrayList<>();

    LogPrinter(DockerClient docker, PrintStream out, boolean colour) {
        this.docker = docker;
        this.out = out;
        this.colour = colour;
    }

    /** Starts copying each container's logs; with follow, on until it stops or {@link #close}. */
    void follow(List<Container> containers, Stack.LogOptions options) {
        int width = containers.stream().mapToInt(c -> name(c).length()).max().orElse(0);
        for (int i = 0; i < containers.size(); i++) {
            Container c = containers.get(i);
            String label = String.format("%-" + width + "s | ", name(c));
            String prefix = colour ? "\u001b[" + COLOURS[i % COLOURS.length] + "m" + label + "\u001b[0m" : label;
            var cmd = docker.logContainerCmd(c.getId()).withStdOut(true).withStdErr(true)
                    .withFollowStream(options.follow()).withTimestamps(options.timestamps());
            if (options.tail() != null) {
                cmd.withTail(options.tail());
            }
            streams.add(cmd.exec(new Lines(prefix)));
        }
    }

    /** One container's logs followed as they are, with no prefix (a one-off run). */
    void raw(String containerId) {
        streams.add(docker.logContainerCmd(containerId).withStdOut(true).withStdErr(true).withFollowStream(true)
                .exec(rawCallback()));
    }

    /** The last lines a container logged until now, each prefixed with its name. */
    void last(String container, int lines) {
        streams.add(docker.logContainerCmd(container).withStdOut(true).withStdErr(true).withTail(lines)
                .exec(new Lines(container + " | ")));
    }

    /** Frames printed as they are, with no prefix (exec output). */
    ResultCallback.Adapter<Frame> rawCallback() {
        return new Lines("");
    }

    /** Blocks until every stream has ended. */
    void await() throws InterruptedException {
        for (ResultCallback.Adapter<Frame> stream : streams) {
            stream.awaitCompletion();
        }
    }

    @Override
    public void close() throws IOException {
        for (ResultCallback.Adapter<Frame> stream : streams) {
            stream.close();
        }
    }

    private static String name(Container c) {
        return c.getNames()[0].replaceFirst("^/", "");
    }

    /** Frames do not end at line ends: a partial line waits for the rest. */
    private final class Lines extends ResultCallback.Adapter<Frame> {
        private final String prefix;
        private final StringBuilder partial = new StringBuilder();

        Lines(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public void onNext(Frame frame) {
            partial.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
            int newline;
            while ((newline = partial.indexOf("\n")) >= 0) {
                print(partial.substring(0, newline));
                partial.delete(0, newline + 1);
            }
        }

        @Override
        public void onComplete() {
            if (partial.length() > 0) {
                print(partial.toString());
                partial.setLength(0);
            }
            super.onComplete();
        }

        private void print(String line) {
            synchronized (out) {
                out.println(prefix + line);
                out.flush();
            }
        }
    }
}
