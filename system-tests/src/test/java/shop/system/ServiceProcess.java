package shop.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One of the shop's services running from its packaged jar as a separate JVM, the way a
 * developer runs it by hand. Its output goes to {@code target/system-logs/<name>.log}, and the
 * tail of that log is quoted whenever the service fails to come up.
 */
final class ServiceProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Path jar;
    private final Map<String, String> environment;
    private final Path log;
    private Process process;

    ServiceProcess(String name, Path jar, Map<String, String> environment) {
        this.name = name;
        this.jar = jar.toAbsolutePath().normalize();
        this.environment = environment;
        this.log = Path.of("target", "system-logs", name + ".log").toAbsolutePath();
    }

    /** Another process of the same jar, as {@code name}, with these settings over this one's. */
    ServiceProcess another(String name, Map<String, String> overrides) {
        Map<String, String> merged = new java.util.HashMap<>(environment);
        merged.putAll(overrides);
        return new ServiceProcess(name, jar, merged);
    }

    /** The service's name, as it registers in Eureka. */
    @Override
    public String toString() {
        return name;
    }

    /** Everything the service printed, across its restarts. */
    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void start() {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(name + ": " + jar + " is missing; package the services first (./mvnw verify)");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-XX:TieredStopAtLevel=1", "-Xmx256m",
                "-jar", jar.toString()));
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true);
        try {
            Files.createDirectories(log.getParent());
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("start " + name + " from " + jar, e);
        }
    }

    /** Simulates a crash: no graceful shutdown, no deregistration from Eureka. */
    void kill() {
        stop(true);
    }

    void stop() {
        stop(false);
    }

    /** Stops the process where it stands (SIGSTOP), as a hung server would: it accepts, never answers. */
    void freeze() {
        signal("STOP");
    }

    void thaw() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void stop(boolean forcibly) {
        if (process == null) {
            return;
        }
        if (forcibly) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Waits until the URL answers 200, failing early if the process dies. */
    void awaitOk(String url, Duration timeout) {
        awaitStatus(url, 200, timeout);
    }

    /** Waits until the URL answers this status, failing early if the process dies. */
    void awaitStatus(String url, int expected, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        int lastStatus = -1;
        while (Instant.now().isBefore(deadline)) {
            if (process == null || !process.isAlive()) {
                throw new IllegalStateException(name + " exited before " + url + " answered\n" + logTail());
            }
            lastStatus = status(url);
            if (lastStatus == expected) {
                return;
            }
            sleep(Duration.ofMillis(500));
        }
        throw new IllegalStateException(name + ": " + url + " did not answer " + expected + " within " + timeout
                + " (last status " + lastStatus + ")\n" + logTail());
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return "--- last lines of " + log + " ---\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }

    /** The status a GET of the URL answers; an account in the URL ({@code http://user:password@host/}) goes as HTTP Basic. */
    static int status(String url) {
        try {
            URI uri = URI.create(url);
            HttpRequest.Builder request = HttpRequest.newBuilder(new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(),
                    uri.getPath(), uri.getQuery(), null)).timeout(Duration.ofSeconds(10));
            if (uri.getUserInfo() != null) {
                request.header("Authorization", "Basic "
                        + Base64.getEncoder().encodeToString(uri.getUserInfo().getBytes(StandardCharsets.UTF_8)));
            }
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(url, e);
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
