package shop.engine.api;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Docker's stream framing for logs without a TTY: each write becomes one frame, an 8-byte
 * header {@code [stream, 0, 0, 0, size as big-endian uint32]} then the payload; stream 1 is
 * stdout and 2 is stderr. Both streams share one sink, so frames never interleave mid-frame.
 */
final class MultiplexedStream extends OutputStream {

    private final OutputStream sink;
    private final byte stream;

    MultiplexedStream(OutputStream sink, int stream) {
        this.sink = sink;
        this.stream = (byte) stream;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        synchronized (sink) {
            sink.write(new byte[] {stream, 0, 0, 0, (byte) (len >>> 24), (byte) (len >>> 16), (byte) (len >>> 8), (byte) len});
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
