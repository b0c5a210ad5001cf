package shop.engine.fig;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one service of a stack asks the engine for, resolved from the file (paths absolute,
 * variables interpolated, defaults applied): the input of {@link Stack}.
 *
 * @param image the image to run, and the tag a build produces
 * @param build null when the image is pulled instead
 * @param ports docker's publish syntax, {@code [ip:][host:]container[/tcp]}
 * @param volumes {@code source:target[:ro]}: an absolute host path, a volume of the stack by its short name, or
 *                (Fig 1.0) a named volume of the engine's that the stack does not own
 * @param secrets the top-level secrets it mounts read-only, each file at its target in the container
 * @param networks the stack's networks it joins (short names), with its aliases on each; none in a Fig 1.0 file,
 *                 whose services share Docker's default bridge as docker-compose puts them there
 * @param dependsOn other services and the condition each must meet first
 * @param links {@code service[:alias]} as written; on the default bridge they become Docker's links
 * @param memoryBytes 0 for no limit
 * @param options what passes to Docker's Config and HostConfig as it is
 * @param configHash changes whenever anything above does; a container with another is recreated
 */
public record ServiceSpec(String name, String image, Build build, List<String> command, List<String> entrypoint,
                          Map<String, String> environment, List<String> ports, List<String> expose,
                          List<String> volumes, List<Secret> secrets, Map<String, List<String>> networks,
                          Map<String, Condition> dependsOn, List<String> links, Healthcheck healthcheck, long memoryBytes, double cpus, int replicas,
                          String restart, Map<String, String> labels, String user, String workingDir, String stopSignal,
                          ContainerOptions options, String configHash) {

    public record Build(Path context, String dockerfile, Map<String, String> args) {

        /** This build with more args, which win over its own. */
        Build withArgs(Map<String, String> more) {
            if (more.isEmpty()) {
                return this;
            }
            Map<String, String> merged = new LinkedHashMap<>(args);
            merged.putAll(more);
            return new Build(context, dockerfile, merged);
        }
    }

    /** A secret of the file's top-level {@code secrets:}: its name there, its host file, and its absolute target. */
    public record Secret(String name, Path file, String target) {
    }

    /** Durations in nanoseconds; {@code test} as the API takes it (CMD, CMD-SHELL or NONE first). */
    public record Healthcheck(List<String> test, long interval, long timeout, long startPeriod, long startInterval, int retries) {
    }

    public enum Condition { SERVICE_STARTED, SERVICE_HEALTHY, SERVICE_COMPLETED_SUCCESSFULLY }

    ServiceSpec withConfigHash(String configHash) {
        return new ServiceSpec(name, image, build, command, entrypoint, environment, ports, expose, volumes, secrets,
                networks, dependsOn, links, healthcheck, memoryBytes, cpus, replicas, restart, labels, user, workingDir,
                stopSignal, options, configHash);
    }

    /** The container names of the service's replicas follow the project's unless container_name fixes one. */
    String containerName(String project, int number) {
        return options.containerName() != null ? options.containerName() : project + "_" + name + "_" + number;
    }

    /** A fixed host port cannot be shared by replicas (Fig's rule for scale). */
    public boolean publishesFixedPort() {
        return ports.stream().anyMatch(p -> p.split(":").length >= 2 && !p.split(":")[p.split(":").length - 2].isEmpty());
    }
}
