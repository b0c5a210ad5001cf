package shop.engine.registry;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import shop.engine.support.FileTrees;

/**
 * Debian's docker-registry (distribution 2.8) started by a test on a free 127.0.0.1 port, with
 * its storage and its log in a directory of the test's; stopped by its PID. {@code auth} is the
 * YAML of the config's {@code auth:} section, or null for an open registry.
 */
final class LocalRegistry implements AutoCloseable {

    final Path dir;
    final Path storage;
    final Path log;
    final int port;
    private final Process process;

    private LocalRegistry(Path dir, int port, Process process) {
        this.dir = dir;
        this.storage = dir.resolve("storage");
        this.log = dir.resolve("registry.log");
        this.port = port;
        this.process = process;
    }

    static LocalRegistry start(Path dir, String auth) throws Exception {
        Files.createDirectories(dir);
        int port = freePort();
        String config = "version: 0.1\n"
                + "log:\n  level: info\n  formatter: text\n"
                + "storage:\n  filesystem:\n    rootdirectory: " + dir.resolve("storage") + "\n  delete:\n    enabled: true\n"
                + "http:\n  addr: 127.0.0.1:" + port + "\n"
                + (auth == null ? "" : "auth:\n" + auth.indent(2));
        Path file = dir.resolve("config.yml");
        Files.writeString(file, config);
        Process process = new ProcessBuilder("docker-registry", "serve", file.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        LocalRegistry registry = new LocalRegistry(dir, port, process);
        registry.awaitReady();
        return registry;
    }

    /** A registry with htpasswd Basic auth for one user; docker-registry takes only bcrypt lines. */
    static LocalRegistry startWithHtpasswd(Path dir, String user, String password) throws Exception {
        Files.createDirectories(dir);
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        Path htpasswd = dir.resolve("htpasswd");
        Files.writeString(htpasswd, user + ":" + OpenBSDBCrypt.generate(password.toCharArray(), salt, 10) + "\n");
        return start(dir, "htpasswd:\n  realm: it-realm\n  path: " + htpasswd + "\n");
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    /** Requests the registry logged (its access log) whose method and path match, e.g. ("PUT|POST|PATCH", "/blobs/uploads/"). */
    long requests(String methods, String pathPart) throws IOException {
        Pattern line = Pattern.compile("\"(" + methods + ") [^\"]*" + Pattern.quote(pathPart));
        try (var lines = Files.lines(log)) {
            return lines.filter(l -> line.matcher(l).find()).count();
        }
    }

    /** Where the registry keeps a blob's bytes on disk. */
    Path blobData(String digest) {
        String hex = digest.substring("sha256:".length());
        return storage.resolve("docker/registry/v2/blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data");
    }

    private void awaitReady() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("docker-registry exited: " + Files.readString(log));
            }
            try {
                http.send(HttpRequest.newBuilder(URI.create("http://" + address() + "/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        close();
        throw new IllegalStateException("docker-registry did not answer on " + address() + " within 15 s");
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Stops the registry and deletes its storage, which holds every image pushed to it; the log stays for a failure's reader. */
    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        FileTrees.delete(storage);
    }
}
