package shop.engine.container;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One output stream of a container: {@code <stream>.log}, which the container's process writes
 * straight into (so output survives the engine), and {@code <stream>.times}, where the engine
 * notes "everything up to byte N was there at time T" whenever it sees the file grow. A line's
 * time is the first note that covers its end: accurate to the engine's tick (a fraction of a
 * second), and to when the engine came back for what was written while it was away.
 */
final class LogFile {

    private final Path log;
    private final Path times;
    private long noted = -1;

    LogFile(Path containerDir, String stream) {
        this.log = containerDir.resolve(stream + ".log");
        this.times = containerDir.resolve(stream + ".times");
    }

    /** Notes the current size with the current time if it grew since the last note. */
    void tick() {
        try {
            long size = Files.size(log);
            if (noted < 0) {
                List<long[]> notes = notes();
                noted = notes.isEmpty() ? 0 : notes.get(notes.size() - 1)[0];
            }
            if (size > noted) {
                Files.writeString(times, size + " " + nanos(Instant.now()) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                noted = size;
            }
        } catch (IOException e) {
            // Removed meanwhile: nothing left to note.
        }
    }

    private List<long[]> notes() throws IOException {
        List<long[]> notes = new ArrayList<>();
        if (Files.exists(times)) {
            for (String line : Files.readAllLines(times)) {
                String[] parts = line.split(" ");
                if (parts.length == 2) {
                    notes.add(new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])});
                }
            }
        }
        return notes;
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /** A line and when it was written (epoch nanoseconds). */
    record Line(long nanos, byte[] bytes, int from, int to) {
    }

    /**
     * Reads the stream from the start (or its last {@code tail} lines), keeping lines written at
     * or after {@code since}; {@link #read} then returns what has come since the previous call.
     * The file stays open, so a container removed meanwhile can still be read to the end.
     */
    final class Reader implements java.io.Closeable {
        private final long sinceNanos;
        private final java.nio.channels.FileChannel channel;
        private long offset;

        Reader(int tail, Instant since) throws IOException {
            this.sinceNanos = since == null ? Long.MIN_VALUE : nanos(since);
            this.channel = java.nio.channels.FileChannel.open(log);
            this.offset = tail < 0 ? 0 : startOfLastLines(tail);
        }

        private long startOfLastLines(int lines) throws IOException {
            byte[] all = Files.readAllBytes(log);
            if (lines == 0) {
                return all.length;
            }
            int newlines = 0;
            for (int i = all.length - 2; i >= 0; i--) {
                if (all[i] == '\n' && ++newlines == lines) {
                    return i + 1;
                }
            }
            return 0;
        }

        /** The complete lines written since the last call; with {@code last}, a final unterminated one too. */
        List<Line> read(boolean last) throws IOException {
            List<Line> lines = new ArrayList<>();
            long size = channel.size();
            if (size <= offset) {
                return lines;
            }
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) Math.min(size - offset, 1 << 20));
            channel.read(buffer, offset);
            byte[] fresh = java.util.Arrays.copyOf(buffer.array(), buffer.position());
            List<long[]> notes = notes();
            int start = 0;
            for (int i = 0; i < fresh.length; i++) {
                if (fresh[i] == '\n' || (last && i == fresh.length - 1)) {
                    long at = timeOf(notes, offset + i + 1);
                    if (at >= sinceNanos) {
                        lines.add(new Line(at, fresh, start, i + 1));
                    }
                    start = i + 1;
                }
            }
            offset += start;
            return lines;
        }

        private long timeOf(List<long[]> notes, long end) {
            for (long[] note : notes) {
                if (note[0] >= end) {
                    return note[1];
                }
            }
            // Not noted yet: it is being written now.
            return nanos(Instant.now());
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** Writes lines of both streams in the order they were written, each with its time in front when asked. */
    static void write(List<Line> out, List<Line> err, OutputStream stdout, OutputStream stderr, boolean timestamps)
            throws IOException {
        int i = 0;
        int j = 0;
        while (i < out.size() || j < err.size()) {
            boolean fromOut = j >= err.size() || (i < out.size() && out.get(i).nanos() <= err.get(j).nanos());
            Line line = fromOut ? out.get(i++) : err.get(j++);
            OutputStream target = fromOut ? stdout : stderr;
            if (timestamps) {
                target.write((Instant.ofEpochSecond(0, line.nanos()) + " ").getBytes(StandardCharsets.UTF_8));
            }
            target.write(line.bytes(), line.from(), line.to() - line.from());
        }
        stdout.flush();
        stderr.flush();
    }
}
