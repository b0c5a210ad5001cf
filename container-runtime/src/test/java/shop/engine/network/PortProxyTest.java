package shop.engine.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The published-port relay on its own, in front of a plain echo server on loopback standing in
 * for a container (no root needed): a flood of connections is held back at the bound, not given
 * a thread each.
 */
class PortProxyTest {

    final PortProxy proxy = new PortProxy(3);
    final ExecutorService echoes = Executors.newCachedThreadPool();
    final List<Socket> clients = new ArrayList<>();
    ServerSocket container;

    @AfterEach
    void close() throws IOException {
        proxy.closeAll();
        for (Socket client : clients) {
            client.close();
        }
        container.close();
        echoes.shutdownNow();
    }

    @Test
    void aPortRelaysAtMostItsBoundOfConnectionsAndTakesTheNextWhenOneEnds() throws Exception {
        container = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        echoes.execute(this::echoEveryConnection);
        int port = proxy.open("c1", List.of(new PortProxy.Binding(container.getLocalPort() + "/tcp", "127.0.0.1", 0)),
                "127.0.0.1").get(0).hostPort();

        for (int i = 0; i < 3; i++) {
            assertThat(roundTrip(connect(port), i)).as("connection %d is relayed", i).isEqualTo(i);
        }
        Socket waiting = connect(port);
        assertThatThrownBy(() -> roundTrip(waiting, 3)).as("the fourth waits in the backlog")
                .isInstanceOf(SocketTimeoutException.class);

        clients.get(0).close();
        waiting.setSoTimeout(5_000);
        assertThat(waiting.getInputStream().read()).as("relayed once the first is gone").isEqualTo(3);
    }

    private Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(1_000);
        clients.add(socket);
        return socket;
    }

    private static int roundTrip(Socket socket, int value) throws IOException {
        socket.getOutputStream().write(value);
        socket.getOutputStream().flush();
        return socket.getInputStream().read();
    }

    private void echoEveryConnection() {
        while (!container.isClosed()) {
            try {
                Socket connection = container.accept();
                echoes.execute(() -> {
                    try (connection) {
                        connection.getInputStream().transferTo(connection.getOutputStream());
                    } catch (IOException ended) {
                        // The test closed it.
                    }
                });
            } catch (IOException closed) {
                return;
            }
        }
    }
}
