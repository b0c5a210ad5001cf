package shop.engine.container;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import shop.engine.support.EngineException;
import shop.engine.support.HostCommands;

/**
 * The stdin of containers created with OpenStdin (docker run -i): a FIFO in the container's
 * directory that its init reads, whose writing end the engine holds from before the start until
 * the exit. The container sees end-of-file only when the engine lets go: when the first attached
 * input ends if StdinOnce, else at the exit. (A pipe the JDK makes for the runtime's stdin would
 * close when the runtime exits, which is at once: it starts the container detached.)
 */
final class ContainerStdin {

    private final Map<String, FileChannel> held = new ConcurrentHashMap<>();

    /** Makes (once) and opens the FIFO of a container about to start; returns it for the runtime. */
    Path open(String id, Path containerDir) {
        Path fifo = containerDir.resolve("stdin");
        try {
            if (!Files.exists(fifo)) {
                HostCommands.run(List.of("mkfifo", "-m", "600", fifo.toString()), null, "make the stdin of " + id);
            }
            // Read and write: opened for writing alone, a FIFO blocks until a reader comes, and the
            // reader is the container that has not started yet.
            FileChannel previous = held.put(id, FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE));
            closeQuietly(previous);
            return fifo;
        } catch (IOException e) {
            throw EngineException.failed("open the stdin of " + id + ": " + e.getMessage(), e);
        }
    }

    /**
     * Copies {@code in} into the container's stdin until it ends or the container stops; then,
     * with {@code once}, closes the stdin. Input for a container without one is read and dropped.
     */
    void feed(String id, InputStream in, boolean once) {
        FileChannel channel = held.get(id);
        try (in) {
            if (channel == null) {
                in.transferTo(OutputStream.nullOutputStream());
                return;
            }
            in.transferTo(Channels.newOutputStream(channel));
        } catch (IOException e) {
            // The client went away, or the container did (close made the write fail): input is over.
        }
        if (once && channel != null) {
            held.remove(id, channel);
            closeQuietly(channel);
        }
    }

    /** Lets go of a container's stdin (it exited): a feed blocked on a full pipe ends. */
    void close(String id) {
        closeQuietly(held.remove(id));
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            // Closed either way.
        }
    }
}
