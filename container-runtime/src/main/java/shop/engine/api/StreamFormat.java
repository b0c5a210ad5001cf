package shop.engine.api;

import java.io.IOException;
import java.io.OutputStream;

/**
 * How Docker sends a process's output (logs, attach, exec): a process on a terminal has one
 * stream, sent as it is (raw); any other has stdout and stderr, sent in frames that say which
 * ({@link MultiplexedStream}). Either way the streams share one sink and write it one at a time.
 */
enum StreamFormat {

    RAW("application/vnd.docker.raw-stream"),
    MULTIPLEXED("application/vnd.docker.multiplexed-stream");

    private final String contentType;

    StreamFormat(String contentType) {
        this.contentType = contentType;
    }

    static StreamFormat of(boolean tty) {
        return tty ? RAW : MULTIPLEXED;
    }

    String contentType() {
        return contentType;
    }

    /** Stream {@code number} (1 stdout, 2 stderr) onto {@code sink}; nowhere when the client did not ask for it. */
    OutputStream stream(OutputStream sink, int number, boolean wanted) {
        if (!wanted) {
            return OutputStream.nullOutputStream();
        }
        return this == RAW ? new Raw(sink) : new MultiplexedStream(sink, number);
    }

    /** Writes as they come; locked on the sink, which a terminal's relay and the runtime's output share. */
    private static final class Raw extends OutputStream {
        private final OutputStream sink;

        Raw(OutputStream sink) {
            this.sink = sink;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            synchronized (sink) {
                sink.write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            synchronized (sink) {
                sink.flush();
            }
        }
    }
}
