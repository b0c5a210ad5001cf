package shop.engine.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.FutureCallback;

/**
 * The raw stream Docker clients "hijack" an HTTP connection for (attach, exec): after the 101
 * response the connection carries the output (multiplexed frames, or a terminal's bytes as they
 * are) until the process ends, then closes. What the client sends (stdin) reaches the producer
 * when it takes input (exec -i), and is dropped otherwise; the client's half-close is the input's
 * end, and so is the connection's close, so nothing stays blocked reading input nobody sends.
 */
final class HijackedStream extends AbstractConnection {

    /** Writes frames to the client, reading its input if it takes any; returns when the stream is done. */
    interface Producer {
        void produce(InputStream in, OutputStream out) throws IOException;
    }

    private final Producer producer;
    private final ByteBuffer input = BufferUtil.allocate(4096);
    /** The client's input on its way to the producer; null when input is dropped. */
    private final PipedOutputStream toProducer;
    private final PipedInputStream fromClient;

    /**
     * Answers with the stream: the docker CLI asks to upgrade the connection (it may send stdin),
     * so it gets a 101 and the hijacked connection; other clients (docker-java without stdin)
     * read the same frames as an ordinary response body.
     */
    static void respond(Call call, String contentType, boolean takesInput, Producer producer) throws IOException {
        Request request = call.request();
        if (!request.getHeaders().contains(HttpHeader.UPGRADE)) {
            try (OutputStream out = call.stream(contentType)) {
                producer.produce(InputStream.nullInputStream(), out);
            }
            return;
        }
        Response response = call.response();
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        request.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, new HijackedStream(
                request.getConnectionMetaData().getConnection().getEndPoint(), request.getComponents().getExecutor(), producer,
                takesInput));
        response.setStatus(101);
        response.getHeaders().put(HttpHeader.CONNECTION, "Upgrade");
        response.getHeaders().put(HttpHeader.UPGRADE, "tcp");
    }

    HijackedStream(EndPoint endPoint, Executor executor, Producer producer, boolean takesInput) throws IOException {
        super(endPoint, executor);
        this.producer = producer;
        this.fromClient = takesInput ? new PipedInputStream(64 * 1024) : null;
        this.toProducer = takesInput ? new PipedOutputStream(fromClient) : null;
    }

    @Override
    public void onOpen() {
        super.onOpen();
        fillInterested();
        getExecutor().execute(() -> {
            try (OutputStream out = new EndPointOutput()) {
                producer.produce(fromClient != null ? fromClient : InputStream.nullInputStream(), out);
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
                    if (toProducer != null) {
                        toProducer.close();
                    }
                    return;
                }
                if (n == 0) {
                    fillInterested();
                    return;
                }
                if (toProducer != null) {
                    toProducer.write(input.array(), input.arrayOffset() + input.position(), n);
                    toProducer.flush();
                }
            }
        } catch (IOException e) {
            getEndPoint().close();
        }
    }

    @Override
    public void onClose(Throwable cause) {
        super.onClose(cause);
        if (toProducer != null) {
            try {
                toProducer.close();
            } catch (IOException e) {
                // Closed already.
            }
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
