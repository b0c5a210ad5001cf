package shop.engine.image;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import shop.engine.support.EngineException;

/**
 * The run defaults an image carries (Docker's capitalised field names, as on the wire). A
 * container's config also says whether its stdin stays open for attach (OpenStdin) and closes
 * when the first attach's input ends (StdinOnce), and its host and domain name; images leave
 * those out.
 */
public record ContainerConfig(
        @JsonProperty("Hostname") String hostname,
        @JsonProperty("Domainname") String domainname,
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
        @JsonProperty("StdinOnce") Boolean stdinOnce,
        @JsonProperty("Tty") Boolean tty,
        @JsonProperty("StopTimeout") Integer stopTimeout) {

    /** The PATH a container gets when its image sets no environment, as Docker gives it. */
    private static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static final ContainerConfig EMPTY =
            new ContainerConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);

    /** Docker's healthcheck; durations in nanoseconds. {@code ["NONE"]} disables an inherited one. */
    public record Healthcheck(@JsonProperty("Test") List<String> test,
                              @JsonProperty("Interval") Long interval,
                              @JsonProperty("Timeout") Long timeout,
                              @JsonProperty("StartPeriod") Long startPeriod,
                              @JsonProperty("StartInterval") Long startInterval,
                              @JsonProperty("Retries") Integer retries) {
    }

    /**
     * A container's config from this image config and the caller's, Docker's way: the caller's
     * fields win, a caller's Entrypoint drops the image's Cmd, environments and labels merge.
     */
    public ContainerConfig mergedWith(ContainerConfig request) {
        ContainerConfig req = request == null ? EMPTY : request;
        List<String> mergedEnv = mergeEnv(env == null ? List.of(DEFAULT_PATH) : env, req.env());
        // moby's merge: an empty Cmd is no Cmd; an empty (not absent) Entrypoint clears the image's.
        boolean ownEntrypoint = req.entrypoint() != null && !req.entrypoint().isEmpty();
        boolean ownCmd = req.cmd() != null && !req.cmd().isEmpty();
        List<String> mergedEntrypoint = req.entrypoint() != null ? req.entrypoint() : entrypoint;
        List<String> mergedCmd = ownCmd ? req.cmd() : ownEntrypoint ? null : cmd;
        Map<String, String> mergedLabels = new LinkedHashMap<>();
        if (labels != null) {
            mergedLabels.putAll(labels);
        }
        if (req.labels() != null) {
            mergedLabels.putAll(req.labels());
        }
        String workdir = notEmpty(req.workingDir()) ? req.workingDir() : notEmpty(workingDir) ? workingDir : "/";
        if (!workdir.startsWith("/")) {
            throw EngineException.invalid("the working directory '" + workdir + "' is invalid: it needs to be an absolute path");
        }
        Map<String, Object> exposed = union(exposedPorts, req.exposedPorts());
        Map<String, Object> mergedVolumes = union(volumes, req.volumes());
        return new ContainerConfig(notEmpty(req.hostname()) ? req.hostname() : null,
                notEmpty(req.domainname()) ? req.domainname() : null,
                notEmpty(req.user()) ? req.user() : user, exposed.isEmpty() ? null : exposed,
                mergedEnv, mergedEntrypoint, mergedCmd, mergedVolumes.isEmpty() ? null : mergedVolumes, workdir, mergedLabels,
                notEmpty(req.stopSignal()) ? req.stopSignal() : stopSignal,
                req.healthcheck() != null ? req.healthcheck() : healthcheck, null, req.openStdin(), req.stdinOnce(), req.tty(),
                req.stopTimeout());
    }

    /** The keys of both (exposed ports, volumes); neither's values mean anything. */
    private static Map<String, Object> union(Map<String, Object> image, Map<String, Object> request) {
        Map<String, Object> result = new LinkedHashMap<>();
        for (Map<String, Object> map : Arrays.asList(image, request)) {
            if (map != null) {
                result.putAll(map);
            }
        }
        return result;
    }

    /** {@code NAME=value} lists merged by name, {@code over}'s winning; order of first appearance kept. */
    public static List<String> mergeEnv(List<String> base, List<String> over) {
        Map<String, String> merged = new LinkedHashMap<>();
        for (List<String> list : Arrays.asList(base, over)) {
            for (String e : list == null ? List.<String>of() : list) {
                int eq = e.indexOf('=');
                merged.put(eq < 0 ? e : e.substring(0, eq), e);
            }
        }
        return List.copyOf(merged.values());
    }

    private static boolean notEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    /** The command line a container of this config runs: the entrypoint, then the cmd. */
    public List<String> args() {
        List<String> args = new ArrayList<>();
        if (entrypoint != null) {
            args.addAll(entrypoint);
        }
        if (cmd != null) {
            args.addAll(cmd);
        }
        return args;
    }

    /** True for a container that runs on a terminal (docker run -t). */
    public boolean hasTerminal() {
        return Boolean.TRUE.equals(tty);
    }

    /** This config without what only a container has (its stdin, terminal and host name), for an image committed from it. */
    public ContainerConfig forImage() {
        return new ContainerConfig(null, null, user, exposedPorts, env, entrypoint, cmd, volumes, workingDir, labels, stopSignal,
                healthcheck, shell, null, null, null, null);
    }

    public ContainerConfig withUser(String v) {
        return new ContainerConfig(hostname, domainname, v, exposedPorts, env, entrypoint, cmd, volumes, workingDir, labels, stopSignal, healthcheck, shell, openStdin, stdinOnce, tty, stopTimeout);
    }

    public ContainerConfig withExposedPorts(Map<String, Object> v) {
        return new ContainerConfig(hostname, domainname, user, v, env, entrypoint, cmd, volumes, workingDir, labels, stopSignal, healthcheck, shell, openStdin, stdinOnce, tty, stopTimeout);
    }

    public ContainerConfig withEnv(List<String> v) {
        return new ContainerConfig(hostname, domainname, user, exposedPorts, v, entrypoint, cmd, volumes, workingDir, labels, stopSignal, healthcheck, shell, openStdin, stdinOnce, tty, stopTimeout);
    }

    public ContainerConfig withEntrypoint(List<String> v) {
        return new ContainerConfig(hostname, domainname, user, exposedPorts, env, v, cmd, volumes, workingDir, labels, stopSignal, healthcheck, shell, openStdin, stdinOnce, tty, stopTimeout);
    }

    public ContainerConfig withCmd(List<String> v) {
        return new ContainerConfig(hostname, domainname, user, exposedPorts, env, entrypoint, v, volumes, workingDir, labels, stopSignal, healthcheck, shell, openStdin, stdinOnce, tty, stopTimeout);
    }

    public ContainerConfig withVolumes(Map<String, Object> v) {
        return new ContainerConfig(hostname, domainname, user, exposedPorts, env, entrypoint, cmd, v, workingDir, labels, stopSignal, healthcheck, shell, openStdin, stdinOnce, tty, stopTimeout);
    }

    public ContainerConfig withWorkingDir(String v) {
        return new ContainerConfig(hostname, domainname, user, exposedPorts, env, entrypoint, cmd, volumes, v, labels, stopSignal, healthcheck, shell, openStdin, stdinOnce, tty, stopTimeout);
    }

    public ContainerConfig withLabels(Map<String, String> v) {
        return new ContainerConfig(hostname, domainname, user, exposedPorts, env, entrypoint, cmd, volumes, workingDir, v, stopSignal, healthcheck, shell, openStdin, stdinOnce, tty, stopTimeout);
    }

    public ContainerConfig withStopSignal(String v) {
        return new ContainerConfig(hostname, domainname, user, exposedPorts, env, entrypoint, cmd, volumes, workingDir, labels, v, healthcheck, shell, openStdin, stdinOnce, tty, stopTimeout);
    }

    public ContainerConfig withHealthcheck(Healthcheck v) {
        return new ContainerConfig(hostname, domainname, user, exposedPorts, env, entrypoint, cmd, volumes, workingDir, labels, stopSignal, v, shell, openStdin, stdinOnce, tty, stopTimeout);
    }

    public ContainerConfig withShell(List<String> v) {
        return new ContainerConfig(hostname, domainname, user, exposedPorts, env, entrypoint, cmd, volumes, workingDir, labels, stopSignal, healthcheck, v, openStdin, stdinOnce, tty, stopTimeout);
    }
}
