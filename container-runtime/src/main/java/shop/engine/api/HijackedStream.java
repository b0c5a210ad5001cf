package shop.engine.api;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.FutureCallback;

/**
 * The raw stream Docker clients "hijack" an HTTP connection for (attach): after the 101
 * response the connection carries multiplexed output frames until the container ends, then
 * closes. Input from the client (stdin) is read and dropped: containers get /dev/null.
 */
final class HijackedStream extends AbstractConnection {

    /** Writes frames to the client; returns when the stream is done. */
    interface Producer {
        void produce(OutputStream out) throws IOException;
    }

    private final Producer producer;
    private final ByteBuffer input = BufferUtil.allocate(4096);

    HijackedStream(EndPoint endPoint, Executor executor, Producer producer) {
        super(endPoint, executor);
        this.producer = producer;
    }

    @Override
    public void onOpen() {
        super.onOpen();
        fillInterested();
        getExecutor().execute(() -> {
            try (OutputStream out = new EndPointOutput()) {
                producer.produce(out);
            } catch (IOException | RuntimeException e) {
                // The client went away, or the container did: either way the stream is over.
            } finally {
                getEndPoint().close();
            }
        });
    }

    @Override
    public void onFillable() {
        try {
            while (true) {
                BufferUtil.clear(input);
                int n = getEndPoint().fill(input);
                if (n < 0) {
                    return;
                }
                if (n == 0) {
                    fillInterested();
                    return;
                }
            }
        } catch (IOException e) {
            getEndPoint().close();
        }
    }

    /** Blocking writes on the endpoint, one frame at a time. */
    private final class EndPointOutput extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            FutureCallback done = new FutureCallback();
            getEndPoint().write(done, ByteBuffer.wrap(b, off, len));
            done.block();
        }
    }
}
