package shop.engine.registry;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback in front of a registry that breaks connections: while {@code cuts}
 * is above zero, a response to a GET of the chosen blob is cut (both sockets closed) after
 * {@code cutAfter} bytes. It records each request's line and Range header, and counts the bytes
 * it passed to the client. Hand-written: the point is a connection that dies mid-body, which no
 * HTTP server library does on purpose.
 */
final class CuttingProxy implements AutoCloseable {

    final List<String> requests = new CopyOnWriteArrayList<>();
    final AtomicLong bytesToClient = new AtomicLong();
    final AtomicInteger cuts = new AtomicInteger();
    private final ServerSocket server;
    private final int target;
    private final String blob;
    private final long cutAfter;

    CuttingProxy(int target, String blob, long cutAfter) throws IOException {
        this.target = target;
        this.blob = blob;
        this.cutAfter = cutAfter;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "cutting-proxy");
        accept.setDaemon(true);
        accept.start();
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Requests that name the blob, in order, each as {@code "GET <path> | <Range header or empty>"}. */
    List<String> requestsFor(String digest) {
        return requests.stream().filter(r -> r.contains("/blobs/" + digest)).toList();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                AtomicBoolean armed = new AtomicBoolean();
                start(() -> requests(client, upstream, armed));
                start(() -> responses(client, upstream, armed));
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** Client to registry: passes request heads on, reading them (pulls send no bodies, so this proxy is for pulls). */
    private void requests(Socket client, Socket upstream, AtomicBoolean armed) {
        try (InputStream in = new BufferedInputStream(client.getInputStream());
             OutputStream out = new BufferedOutputStream(upstream.getOutputStream())) {
            StringBuilder line = new StringBuilder();
            String request = null;
            String range = "";
            for (int b; (b = in.read()) >= 0; ) {
                if (b == '\n') {
                    String text = line.toString();
                    line.setLength(0);
                    if (request == null) {
                        request = text;
                    } else if (text.toLowerCase().startsWith("range:")) {
                        range = text.substring(6).strip();
                    } else if (text.isEmpty()) {
                        requests.add(request.replace(" HTTP/1.1", "") + " | " + range);
                        // Armed before the head reaches the registry, so no byte of the answer goes uncounted.
                        armed.set(request.startsWith("GET ") && request.contains("/blobs/" + blob) && cuts.get() > 0);
                        out.write(b);
                        out.flush();
                        request = null;
                        range = "";
                        continue;
                    }
                } else if (b != '\r') {
                    line.append((char) b);
                }
                out.write(b);
            }
        } catch (IOException closed) {
            // The other direction, or a cut, closed the connection.
        } finally {
            closeQuietly(client, upstream);
        }
    }

    private void responses(Socket client, Socket upstream, AtomicBoolean armed) {
        try (InputStream in = upstream.getInputStream(); OutputStream out = client.getOutputStream()) {
            byte[] buffer = new byte[8192];
            long sinceArmed = 0;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
                bytesToClient.addAndGet(n);
                if (armed.get()) {
                    sinceArmed += n;
                    if (sinceArmed > cutAfter) {
                        cuts.decrementAndGet();
                        return;
                    }
                }
            }
        } catch (IOException closed) {
            // As above.
        } finally {
            closeQuietly(client, upstream);
        }
    }

    private static void start(Runnable pump) {
        Thread t = new Thread(pump, "cutting-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket... sockets) {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // Already closed.
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
