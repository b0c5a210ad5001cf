package shop.engine.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import shop.engine.ClientProcess;

/**
 * The installed docker CLI pointed at an engine's socket (with the classic builder and a config
 * directory of its own), and plain HTTP over the same socket for what the CLI hides: status codes
 * and error bodies.
 */
final class DockerCli {

    record Result(int exit, String out) {
    }

    /** An HTTP response: its status, its header lines as sent, and its body, de-chunked. */
    record Response(int status, String headers, String body) {
    }

    private final Path socket;

    DockerCli(Path socket) {
        this.socket = socket;
    }

    Result run(String... args) throws Exception {
        return runWithInput("", args);
    }

    /** The command's output; the test fails when it exits non-zero. */
    String ok(String... args) throws Exception {
        Result result = run(args);
        assertThat(result.exit()).as("docker " + String.join(" ", args) + ": " + result.out()).isZero();
        return result.out();
    }

    Result runWithInput(String input, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(environment());
        ClientProcess.Result result = ClientProcess.run(pb, input, Duration.ofSeconds(60));
        return new Result(result.exit(), result.out());
    }

    /** What the docker CLI needs to reach the engine: its socket, the classic builder, a config directory of its own. */
    Map<String, String> environment() {
        return Map.of("DOCKER_HOST", "unix://" + socket, "DOCKER_BUILDKIT", "0",
                "DOCKER_CONFIG", socket.getParent().resolve("docker-config").toString());
    }

    /** One HTTP/1.1 request over the socket with a JSON body (or none); returns "status body", the body's line ends dropped. */
    String http(String method, String path, String body) throws IOException {
        return http(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    String http(String method, String path, byte[] body, String contentType) throws IOException {
        Response response = exchange(method, path, body, contentType);
        String rest = response.headers().contains("Transfer-Encoding: chunked") ? response.body().replace("\r\n", "") : response.body();
        return response.status() + " " + rest.strip();
    }

    /** One HTTP/1.1 request over the socket, its response as it came but for the chunking. */
    Response exchange(String method, String path, byte[] body, String contentType) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            byte[] payload = body == null ? new byte[0] : body;
            String head = method + " " + path + " HTTP/1.1\r\nHost: engine\r\nConnection: close\r\n"
                    + "Content-Type: " + contentType + "\r\nContent-Length: " + payload.length + "\r\n\r\n";
            channel.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.UTF_8)));
            channel.write(ByteBuffer.wrap(payload));
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            try {
                while (channel.read(buffer) > 0) {
                    response.write(buffer.array(), 0, buffer.position());
                    buffer.clear();
                }
            } catch (SocketException e) {
                // A refused upload: the engine answered and closed without reading the whole body,
                // and a unix socket closed with unread data resets its peer once the answer is read.
                if (response.size() == 0) {
                    throw e;
                }
            }
            // One char a byte, so chunk sizes count chars; the body is decoded once de-chunked.
            String text = response.toString(StandardCharsets.ISO_8859_1);
            int status = Integer.parseInt(text.substring(text.indexOf(' ') + 1, text.indexOf(' ') + 4));
            String headers = text.substring(0, text.indexOf("\r\n\r\n") + 2);
            String rest = text.substring(text.indexOf("\r\n\r\n") + 4);
            String data = headers.contains("Transfer-Encoding: chunked") ? dechunked(rest) : rest;
            return new Response(status, headers, new String(data.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
        }
    }

    /** A chunked body's data: each chunk is its size in hex, CRLF, the data, CRLF; size 0 ends it. */
    private static String dechunked(String chunked) {
        StringBuilder data = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].strip(), 16);
            if (size == 0) {
                break;
            }
            data.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
        return data.toString();
    }
}
