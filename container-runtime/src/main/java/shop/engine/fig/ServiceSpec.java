package shop.engine.fig;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What one service of a stack asks the engine for, resolved from the file (paths absolute,
 * variables interpolated, defaults applied): the input of {@link Stack}.
 *
 * @param image the image to run, and the tag a build produces
 * @param build null when the image is pulled instead
 * @param ports docker's publish syntax, {@code [ip:][host:]container[/tcp]}
 * @param volumes {@code source:target[:ro]}: an absolute host path, or a volume of the stack by its short name
 * @param networks the stack's networks it joins (short names), with its aliases on each
 * @param dependsOn other services and the condition each must meet first
 * @param memoryBytes 0 for no limit
 * @param configHash changes whenever anything above does; a container with another is recreated
 */
public record ServiceSpec(String name, String image, Build build, List<String> command, List<String> entrypoint,
                          Map<String, String> environment, List<String> ports, List<String> expose,
                          List<String> volumes, Map<String, List<String>> networks, Map<String, Condition> dependsOn,
                          Healthcheck healthcheck, long memoryBytes, double cpus, int replicas, String restart,
                          Map<String, String> labels, String user, String workingDir, String stopSignal,
                          String configHash) {

    public record Build(Path context, String dockerfile, Map<String, String> args) {
    }

    /** Durations in nanoseconds; {@code test} as the API takes it (CMD, CMD-SHELL or NONE first). */
    public record Healthcheck(List<String> test, long interval, long timeout, long startPeriod, int retries) {
    }

    public enum Condition { SERVICE_STARTED, SERVICE_HEALTHY, SERVICE_COMPLETED_SUCCESSFULLY }

    /** A fixed host port cannot be shared by replicas (Fig's rule for scale). */
    public boolean publishesFixedPort() {
        return ports.stream().anyMatch(p -> p.split(":").length >= 2 && !p.split(":")[p.split(":").length - 2].isEmpty());
    }
}
