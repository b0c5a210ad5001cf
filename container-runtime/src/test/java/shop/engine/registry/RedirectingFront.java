package shop.engine.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A registry as big ones are deployed, in front of a real docker-registry: it wants Basic
 * credentials and answers blob reads with a 307 to a storage host, which, as storage behind a
 * signed URL does, refuses any request that carries an Authorization header. Both sides pass the
 * rest through to the docker-registry.
 */
final class RedirectingFront implements AutoCloseable {

    final AtomicInteger storageReads = new AtomicInteger();
    final AtomicInteger storageRefusals = new AtomicInteger();
    private final HttpServer front;
    private final HttpServer storage;
    private final HttpClient http = HttpClient.newHttpClient();
    private final int registryPort;
    private final String expected;

    RedirectingFront(int registryPort, String user, String password) throws IOException {
        this.registryPort = registryPort;
        this.expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        front = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        storage = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        front.createContext("/", this::front);
        storage.createContext("/", this::storage);
        front.start();
        storage.start();
    }

    String address() {
        return "127.0.0.1:" + front.getAddress().getPort();
    }

    private void front(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"front\"");
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            String path = exchange.getRequestURI().getRawPath();
            if (exchange.getRequestMethod().equals("GET") && path.matches("/v2/.+/blobs/sha256:[0-9a-f]{64}")) {
                exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + storage.getAddress().getPort() + path + "?signature=it");
                exchange.sendResponseHeaders(307, -1);
                return;
            }
            pass(exchange);
        }
    }

    private void storage(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (exchange.getRequestHeaders().containsKey("Authorization")) {
                storageRefusals.incrementAndGet();
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            storageReads.incrementAndGet();
            pass(exchange);
        }
    }

    /** GET and HEAD through to the docker-registry, with the headers a pull needs both ways. */
    private void pass(HttpExchange exchange) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + registryPort
                + exchange.getRequestURI().getRawPath())).method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.noBody());
        for (String name : List.of("Accept", "Range")) {
            String value = exchange.getRequestHeaders().getFirst(name);
            if (value != null) {
                request.header(name, value);
            }
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        for (String name : List.of("Content-Type", "Content-Range", "Docker-Content-Digest")) {
            response.headers().firstValue(name).ifPresent(v -> exchange.getResponseHeaders().add(name, v));
        }
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(response.statusCode(), head || response.body().length == 0 ? -1 : response.body().length);
        if (!head && response.body().length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response.body());
            }
        }
    }

    @Override
    public void close() {
        front.stop(0);
        storage.stop(0);
    }
}
