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

    private static final int TAIL_BLOCK = 64 * 1024;
    private static final int CHUNK = 1 << 20;

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
        private boolean caughtUp;

        Reader(int tail, Instant since) throws IOException {
            this.sinceNanos = since == null ? Long.MIN_VALUE : nanos(since);
            this.channel = java.nio.channels.FileChannel.open(log);
            this.offset = tail < 0 ? 0 : startOfLastLines(tail);
        }

        /** Read backwards a block at a time: {@code --tail} of a long log never reads its head. */
        private long startOfLastLines(int lines) throws IOException {
            long end = channel.size();
            if (lines == 0) {
                return end;
            }
            java.nio.ByteBuffer block = java.nio.ByteBuffer.allocate(TAIL_BLOCK);
            int newlines = 0;
            // The last byte is left out: a final newline ends the last line rather than starting one.
            for (long blockEnd = end - 1; blockEnd > 0; ) {
                long from = Math.max(0, blockEnd - TAIL_BLOCK);
                block.clear().limit((int) (blockEnd - from));
                while (block.hasRemaining()) {
                    if (channel.read(block, from + block.position()) < 0) {
                        break; // cut short meanwhile: count what was read
                    }
                }
                for (int i = block.position() - 1; i >= 0; i--) {
                    if (block.get(i) == '\n' && ++newlines == lines) {
                        return from + i + 1;
                    }
                }
                blockEnd = from;
            }
            return 0;
        }

        /**
         * The complete lines of the next chunk (up to 1 MiB) written since the last call; with
         * {@code last}, a final unterminated one too. Call again until {@link #caughtUp}: a long
         * log is passed on a chunk at a time rather than held whole.
         */
        List<Line> read(boolean last) throws IOException {
            List<Line> lines = new ArrayList<>();
            long size = channel.size();
            caughtUp = size <= offset;
            if (caughtUp) {
                return lines;
            }
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) Math.min(size - offset, CHUNK));
            channel.read(buffer, offset);
            byte[] fresh = java.util.Arrays.copyOf(buffer.array(), buffer.position());
            caughtUp = offset + fresh.length >= size;
            List<long[]> notes = notes();
            int start = 0;
            for (int i = 0; i < fresh.length; i++) {
                if (fresh[i] == '\n') {
                    start = add(lines, notes, fresh, start, i + 1);
                }
            }
            // The rest ends a line at the stream's end, or when a whole chunk holds no newline: a
            // line that long is passed on in pieces rather than waited for.
            if (start < fresh.length && (caughtUp ? last : start == 0)) {
                start = add(lines, notes, fresh, start, fresh.length);
            }
            offset += start;
            return lines;
        }

        /** True when the last {@link #read} reached the end of what had been written. */
        boolean caughtUp() {
            return caughtUp;
        }

        private int add(List<Line> lines, List<long[]> notes, byte[] chunk, int from, int to) {
            long at = timeOf(notes, offset + to);
            if (at >= sinceNanos) {
                lines.add(new Line(at, chunk, from, to));
            }
            return to;
        }

        /** The first note at or past {@code end}; notes grow with the file, so a binary search finds it. */
        private long timeOf(List<long[]> notes, long end) {
            int low = 0;
            int high = notes.size();
            while (low < high) {
                int mid = (low + high) >>> 1;
                if (notes.get(mid)[0] >= end) {
                    high = mid;
                } else {
                    low = mid + 1;
                }
            }
            // Not noted yet: it is being written now.
            return low < notes.size() ? notes.get(low)[1] : nanos(Instant.now());
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
