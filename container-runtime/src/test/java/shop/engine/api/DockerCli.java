package shop.engine.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import shop.engine.ClientProcess;

/**
 * The installed docker CLI pointed at an engine's socket (with the classic builder and a config
 * directory of its own), and plain HTTP over the same socket for what the CLI hides: status codes
 * and error bodies.
 */
final class DockerCli {

    record Result(int exit, String out) {
    }

    private final Path socket;

    DockerCli(Path socket) {
        this.socket = socket;
    }

    Result run(String... args) throws Exception {
        return runWithInput("", args);
    }

    Result runWithInput(String input, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("DOCKER_HOST", "unix://" + socket);
        pb.environment().put("DOCKER_BUILDKIT", "0");
        pb.environment().put("DOCKER_CONFIG", socket.getParent().resolve("docker-config").toString());
        ClientProcess.Result result = ClientProcess.run(pb, input, Duration.ofSeconds(60));
        return new Result(result.exit(), result.out());
    }

    /** One HTTP/1.1 request over the socket with a JSON body (or none); returns "status body". */
    String http(String method, String path, String body) throws IOException {
        return http(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    String http(String method, String path, byte[] body, String contentType) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            byte[] payload = body == null ? new byte[0] : body;
            String head = method + " " + path + " HTTP/1.1\r\nHost: engine\r\nConnection: close\r\n"
                    + "Content-Type: " + contentType + "\r\nContent-Length: " + payload.length + "\r\n\r\n";
            channel.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.UTF_8)));
            channel.write(ByteBuffer.wrap(payload));
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (channel.read(buffer) > 0) {
                response.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            String text = response.toString(StandardCharsets.UTF_8);
            String status = text.substring(text.indexOf(' ') + 1, text.indexOf(' ') + 4);
            String rest = text.substring(text.indexOf("\r\n\r\n") + 4);
            if (text.contains("Transfer-Encoding: chunked")) {
                rest = rest.replaceAll("(?m)^[0-9a-fA-F]+\r\n", "").replace("\r\n", "");
            }
            return status + " " + rest.strip();
        }
    }
}
