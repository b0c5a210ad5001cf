package shop.engine.image;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The run defaults an image carries (Docker's capitalised field names, as on the wire). A
 * container's config also says whether its stdin stays open for attach (OpenStdin) and closes
 * when the first attach's input ends (StdinOnce); images leave those out.
 */
public record ContainerConfig(
        @JsonProperty("User") String user,
        @JsonProperty("ExposedPorts") Map<String, Object> exposedPorts,
        @JsonProperty("Env") List<String> env,
        @JsonProperty("Entrypoint") List<String> entrypoint,
        @JsonProperty("Cmd") List<String> cmd,
        @JsonProperty("Volumes") Map<String, Object> volumes,
        @JsonProperty("WorkingDir") String workingDir,
        @JsonProperty("Labels") Map<String, String> labels,
        @JsonProperty("StopSignal") String stopSignal,
        @JsonProperty("Healthcheck") Healthcheck healthcheck,
        @JsonProperty("Shell") List<String> shell,
        @JsonProperty("OpenStdin") Boolean openStdin,
        @JsonProperty("StdinOnce") Boolean stdinOnce) {

    public static final ContainerConfig EMPTY =
            new ContainerConfig(null, null, null, null, null, null, null, null, null, null, null, null, null);

    /** Docker's healthcheck; durations in nanoseconds. {@code ["NONE"]} disables an inherited one. */
    public record Healthcheck(@JsonProperty("Test") List<String> test,
                              @JsonProperty("Interval") Long interval,
                              @JsonProperty("Timeout") Long timeout,
                              @JsonProperty("StartPeriod") Long startPeriod,
                              @JsonProperty("Retries") Integer retries) {
    }

    public ContainerConfig withUser(String v) {
        return new ContainerConfig(v, exposedPorts, env, entrypoint, cmd, volumes, workingDir, labels, stopSignal, healthcheck, shell, openStdin, stdinOnce);
    }

    public ContainerConfig withExposedPorts(Map<String, Object> v) {
        return new ContainerConfig(user, v, env, entrypoint, cmd, volumes, workingDir, labels, stopSignal, healthcheck, shell, openStdin, stdinOnce);
    }

    public ContainerConfig withEnv(List<String> v) {
        return new ContainerConfig(user, exposedPorts, v, entrypoint, cmd, volumes, workingDir, labels, stopSignal, healthcheck, shell, openStdin, stdinOnce);
    }

    public ContainerConfig withEntrypoint(List<String> v) {
        return new ContainerConfig(user, exposedPorts, env, v, cmd, volumes, workingDir, labels, stopSignal, healthcheck, shell, openStdin, stdinOnce);
    }

    public ContainerConfig withCmd(List<String> v) {
        return new ContainerConfig(user, exposedPorts, env, entrypoint, v, volumes, workingDir, labels, stopSignal, healthcheck, shell, openStdin, stdinOnce);
    }

    public ContainerConfig withVolumes(Map<String, Object> v) {
        return new ContainerConfig(user, exposedPorts, env, entrypoint, cmd, v, workingDir, labels, stopSignal, healthcheck, shell, openStdin, stdinOnce);
    }

    public ContainerConfig withWorkingDir(String v) {
        return new ContainerConfig(user, exposedPorts, env, entrypoint, cmd, volumes, v, labels, stopSignal, healthcheck, shell, openStdin, stdinOnce);
    }

    public ContainerConfig withLabels(Map<String, String> v) {
        return new ContainerConfig(user, exposedPorts, env, entrypoint, cmd, volumes, workingDir, v, stopSignal, healthcheck, shell, openStdin, stdinOnce);
    }

    public ContainerConfig withStopSignal(String v) {
        return new ContainerConfig(user, exposedPorts, env, entrypoint, cmd, volumes, workingDir, labels, v, healthcheck, shell, openStdin, stdinOnce);
    }

    public ContainerConfig withHealthcheck(Healthcheck v) {
        return new ContainerConfig(user, exposedPorts, env, entrypoint, cmd, volumes, workingDir, labels, stopSignal, v, shell, openStdin, stdinOnce);
    }

    public ContainerConfig withShell(List<String> v) {
        return new ContainerConfig(user, exposedPorts, env, entrypoint, cmd, volumes, workingDir, labels, stopSignal, healthcheck, v, openStdin, stdinOnce);
    }
}
