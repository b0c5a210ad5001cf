package shop.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Gives a test its own RabbitMQ virtual host on the machine's broker (127.0.0.1:5672, user guest),
 * made with {@code rabbitmqctl}: its exchanges and durable queues are seen by no other test run,
 * system test or running shop, and are deleted with it when the JVM exits. Spring tests get
 * theirs with {@link FreshBroker}.
 */
public final class TestBrokers {

    private TestBrokers() {
    }

    /** Creates an empty virtual host whose name starts with the given purpose, open to guest. */
    public static String createVirtualHost(String purpose) {
        String vhost = "t_" + purpose.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "") + "_"
                + UUID.randomUUID().toString().substring(0, 8);
        rabbitmqctl("add_vhost", vhost);
        rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                rabbitmqctl("delete_vhost", vhost);
            } catch (IllegalStateException e) {
                System.err.println("[test-broker] could not delete " + vhost + ": " + e.getMessage());
            }
        }));
        return vhost;
    }

    private static void rabbitmqctl(String... arguments) {
        List<String> command = new java.util.ArrayList<>(List.of("rabbitmqctl", "-q"));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output.strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", command) + " interrupted", e);
        }
    }
}
