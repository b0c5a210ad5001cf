package shop.engine.network;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import shop.engine.support.EngineException;

/**
 * Published ports: a TCP listener on the host per binding, relaying each connection to the
 * container's address (Docker's userland proxy, without iptables). Listeners live in the engine
 * process: they open when a container starts and close when it stops.
 *
 * <p>Lifecycle per container: {@link #open} binds every port or none (a taken port fails the
 * start), {@link #close} stops listening and cuts the relayed connections.
 *
 * <p>Each relayed connection holds two threads, so a port relays at most a bounded number at once;
 * past it the listener stops accepting and new connections wait in the kernel's backlog until one
 * ends, rather than a flood of connections exhausting the engine's threads.
 */
public final class PortProxy {

    /** A published port; {@code containerPort} is Docker's key, e.g. {@code 80/tcp}; host port 0 means "any". */
    public record Binding(@JsonProperty("ContainerPort") String containerPort,
                          @JsonProperty("HostIp") String hostIp,
                          @JsonProperty("HostPort") int hostPort) {

        public Binding {
            if (containerPort == null || !containerPort.matches("\\d{1,5}(/tcp)?")) {
                throw EngineException.invalid("invalid port specification: \"" + containerPort
                        + "\": this engine publishes tcp ports, e.g. 80 or 80/tcp");
            }
            containerPort = containerPort.contains("/") ? containerPort : containerPort + "/tcp";
            hostIp = hostIp == null || hostIp.isEmpty() ? "0.0.0.0" : hostIp;
            if (port(containerPort) < 1 || port(containerPort) > 65535 || hostPort < 0 || hostPort > 65535) {
                throw EngineException.invalid("invalid port specification: " + hostPort + ":" + containerPort
                        + ": ports are 1 to 65535");
            }
        }

        public int privatePort() {
            return port(containerPort);
        }

        private static int port(String key) {
            return Integer.parseInt(key.substring(0, key.indexOf('/')));
        }
    }

    /** A bound port; {@code acceptorGone} opens once its accepting thread has left, and with it the port. */
    private record Listener(ServerSocket server, Set<Socket> connections, Semaphore slots, CountDownLatch acceptorGone) {
    }

    /** Connections one published port relays at once by default. */
    public static final int MAX_CONNECTIONS_PER_PORT = 1024;
    private static final int CONNECT_TIMEOUT_MS = 5_000;

    private final int maxConnectionsPerPort;

    private final Map<String, List<Listener>> listeners = new ConcurrentHashMap<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "port-proxy");
        t.setDaemon(true);
        return t;
    });

    public PortProxy() {
        this(MAX_CONNECTIONS_PER_PORT);
    }

    PortProxy(int maxConnectionsPerPort) {
        this.maxConnectionsPerPort = maxConnectionsPerPort;
    }

    /** Binds every wanted port, relaying to {@code targetIp}; returns them with the host ports actually bound. */
    public synchronized List<Binding> open(String containerId, List<Binding> wanted, String targetIp) {
        close(containerId);
        List<Listener> opened = new ArrayList<>();
        List<Binding> bound = new ArrayList<>();
        for (Binding binding : wanted) {
            ServerSocket server;
            try {
                server = new ServerSocket();
                server.setReuseAddress(true);
                server.bind(new InetSocketAddress(binding.hostIp(), binding.hostPort()), 128);
            } catch (IOException e) {
                opened.forEach(PortProxy::shut);
                throw EngineException.conflict("Bind for " + binding.hostIp() + ":" + binding.hostPort()
                        + " failed: " + (e.getMessage() == null ? "port is already allocated" : e.getMessage()));
            }
            Listener listener = new Listener(server, ConcurrentHashMap.newKeySet(), new Semaphore(maxConnectionsPerPort),
                    new CountDownLatch(1));
            opened.add(listener);
            bound.add(new Binding(binding.containerPort(), binding.hostIp(), server.getLocalPort()));
            InetSocketAddress target = new InetSocketAddress(targetIp, binding.privatePort());
            threads.execute(() -> accept(listener, target));
        }
        listeners.put(containerId, opened);
        return bound;
    }

    public synchronized void close(String containerId) {
        List<Listener> open = listeners.remove(containerId);
        if (open != null) {
            open.forEach(PortProxy::shut);
        }
    }

    /** The engine is going away: every listener closes (the next engine re-opens them for running containers). */
    public synchronized void closeAll() {
        List.copyOf(listeners.keySet()).forEach(this::close);
    }

    /**
     * Closes the port and returns once it is free to bind again. A socket closed while another
     * thread waits in its accept is released only when that thread has left it, so an engine that
     * re-bound the port at once (a restart, a recovery) could find it still taken.
     */
    private static void shut(Listener listener) {
        closeQuietly(listener.server());
        // An acceptor waiting for a free slot rather than in accept wakes and sees the port closed.
        listener.slots().release();
        listener.connections().forEach(PortProxy::closeQuietly);
        try {
            listener.acceptorGone().await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void accept(Listener listener, InetSocketAddress target) {
        try {
            while (!listener.server().isClosed()) {
                try {
                    listener.slots().acquire();
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    Socket client = listener.server().accept();
                    threads.execute(() -> relay(listener, client, target));
                } catch (IOException e) {
                    listener.slots().release();
                    return;
                }
            }
        } finally {
            listener.acceptorGone().countDown();
        }
    }

    /** Connects to the container and copies both ways; each side's EOF is passed on as a half-close. */
    private void relay(Listener listener, Socket client, InetSocketAddress target) {
        Socket upstream = new Socket();
        listener.connections().add(client);
        listener.connections().add(upstream);
        try {
            upstream.connect(target, CONNECT_TIMEOUT_MS);
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
        } catch (IOException e) {
            // Nothing listens in the container (yet): the client sees the connection close, as with Docker.
            finish(listener, client, upstream);
            return;
        }
        AtomicInteger open = new AtomicInteger(2);
        threads.execute(() -> pump(upstream, client, open, listener));
        pump(client, upstream, open, listener);
    }

    private static void pump(Socket from, Socket to, AtomicInteger open, Listener listener) {
        byte[] buffer = new byte[64 * 1024];
        try {
            // Not try-with-resources: closing a socket's stream closes the socket, and the other direction may still run.
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // A reset on either side ends both directions.
            closeQuietly(from);
            closeQuietly(to);
        } finally {
            if (open.decrementAndGet() == 0) {
                finish(listener, from, to);
            }
        }
    }

    /** Called once per connection, when both directions are done or the container never answered. */
    private static void finish(Listener listener, Socket a, Socket b) {
        closeQuietly(a);
        closeQuietly(b);
        listener.connections().remove(a);
        listener.connections().remove(b);
        listener.slots().release();
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // Already closed or reset: nothing left to release.
        }
    }
}
