package shop.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.rabbitmq.RabbitMQContainer;

/**
 * Gives a test its own RabbitMQ virtual host on a real broker: the JVM's RabbitMQ container, or
 * this machine's broker (see {@link TestInfrastructure}), made with {@code rabbitmqctl} (in the
 * container, or on the machine). Its exchanges and durable queues are seen by no other test run,
 * system test or running shop. Spring tests get theirs with {@link FreshBroker}.
 */
public final class TestBrokers {

    /** Where the broker listens and who may use it. */
    public record Broker(String host, int port, String username, String password) {
    }

    private TestBrokers() {
    }

    public static Broker broker() {
        if (TestInfrastructure.kind() == TestInfrastructure.Kind.LOCAL) {
            return new Broker("127.0.0.1", 5672, "guest", "guest");
        }
        RabbitMQContainer container = TestInfrastructure.rabbitmq();
        return new Broker(container.getHost(), container.getAmqpPort(), container.getAdminUsername(),
                container.getAdminPassword());
    }

    /** Creates an empty virtual host whose name starts with the given purpose, open to the broker's user. */
    public static String createVirtualHost(String purpose) {
        String vhost = "t_" + purpose.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "") + "_"
                + UUID.randomUUID().toString().substring(0, 8);
        Broker broker = broker();
        rabbitmqctl("add_vhost", vhost);
        rabbitmqctl("set_permissions", "-p", vhost, broker.username(), ".*", ".*", ".*");
        if (TestInfrastructure.kind() == TestInfrastructure.Kind.LOCAL) {
            // A container goes with its virtual hosts; the machine's broker keeps them unless told.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    rabbitmqctl("delete_vhost", vhost);
                } catch (IllegalStateException e) {
                    System.err.println("[test-broker] could not delete " + vhost + ": " + e.getMessage());
                }
            }));
        }
        return vhost;
    }

    private static void rabbitmqctl(String... arguments) {
        List<String> command = new ArrayList<>(List.of("rabbitmqctl", "-q"));
        command.addAll(List.of(arguments));
        if (TestInfrastructure.kind() == TestInfrastructure.Kind.ENGINE) {
            inContainer(command);
            return;
        }
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

    private static void inContainer(List<String> command) {
        try {
            ExecResult result = TestInfrastructure.rabbitmq().execInContainer(command.toArray(String[]::new));
            if (result.getExitCode() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " in the RabbitMQ container failed: "
                        + (result.getStdout() + result.getStderr()).strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", command) + " interrupted", e);
        }
    }
}
