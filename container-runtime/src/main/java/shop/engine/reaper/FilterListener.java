package shop.engine.reaper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import shop.engine.support.EngineException;

/**
 * The reaper's side of Ryuk's conversation: a TCP server whose clients send {@link FilterSet}
 * lines and get {@code ACK\n} for each one taken. A line that is not a filter set gets
 * {@code ERROR <why>\n} and the connection stays open for the next line: Ryuk only logs such a
 * line (and acks it), which leaves a person typing at nc believing the filter was taken.
 * Testcontainers encodes every value, so it never sends one; it reads past lines other than ACK.
 * Empty lines are skipped.
 *
 * <p>A thread per client: a Testcontainers session holds one connection for its whole life, and
 * its being connected is what keeps the session's resources (see {@link ClientWatch}).
 */
final class FilterListener implements AutoCloseable {

    private final ServerSocket server;
    private final ClientWatch watch;
    private final Set<FilterSet> filterSets;
    private final PrintStream log;
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();

    /** Binds at once, so a port taken is an error before the reaper says it started. */
    FilterListener(InetSocketAddress address, ClientWatch watch, Set<FilterSet> filterSets, PrintStream log) {
        this.watch = watch;
        this.filterSets = filterSets;
        this.log = log;
        try {
            this.server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(address);
        } catch (IOException e) {
            throw EngineException.failed("listen for reaper clients on " + address + ": " + e.getMessage(), e);
        }
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    void start() {
        Thread accepting = new Thread(this::accept, "reaper-accept");
        accepting.setDaemon(true);
        accepting.start();
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    log.println("accept a reaper client: " + e.getMessage());
                }
                continue;
            }
            if (!watch.admit()) {
                log.println("client " + socket.getRemoteSocketAddress() + " turned away: pruning has begun");
                closeQuietly(socket);
                continue;
            }
            clients.add(socket);
            Thread serving = new Thread(() -> serve(socket), "reaper-client-" + socket.getPort());
            serving.setDaemon(true);
            serving.start();
        }
    }

    private void serve(Socket socket) {
        String client = socket.getRemoteSocketAddress().toString();
        log.println("client connected: " + client);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
            OutputStream out = socket.getOutputStream();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.isBlank()) {
                    out.write(answer(client, line.strip()).getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        } catch (IOException e) {
            if (!server.isClosed()) {
                log.println("client " + client + ": " + e.getMessage());
            }
        } finally {
            clients.remove(socket);
            closeQuietly(socket);
            watch.left();
            log.println("client disconnected: " + client);
        }
    }

    private String answer(String client, String line) {
        FilterSet set;
        try {
            set = FilterSet.parse(line);
        } catch (EngineException e) {
            log.println("client " + client + ": " + e.getMessage());
            return "ERROR " + e.getMessage() + "\n";
        }
        if (filterSets.add(set)) {
            log.println("adding filter set: " + set);
        }
        return "ACK\n";
    }

    /** Stops accepting, and ends the connections of clients still there (only when the reaper is closed early). */
    @Override
    public void close() {
        closeQuietly(server);
        clients.forEach(FilterListener::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Closing is the end of this connection either way; nothing waits on the outcome.
        }
    }
}
