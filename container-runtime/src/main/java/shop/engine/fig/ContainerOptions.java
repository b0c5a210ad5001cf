package shop.engine.fig;

import java.util.List;
import java.util.Map;

/**
 * The keys of a service that pass to Docker's container Config and HostConfig as they are, once
 * read and checked (sizes in bytes, the grace period in seconds). Empty lists, maps and nulls
 * leave the engine's default. References to other services ({@code service:NAME} in networkMode,
 * pid and ipc, a service in volumesFrom) are resolved to containers when one is created.
 *
 * @param networkMode null for the stack's networks; else host, none, bridge, container:NAME or service:NAME
 * @param externalLinks {@code container[:alias]}, containers outside the stack
 * @param volumesFrom {@code service[:ro|:rw]} or {@code container:NAME[:ro|:rw]}
 * @param tmpfs mount point to its options ("" for the defaults)
 * @param stopGraceSeconds null for Docker's 10 s between the stop signal and SIGKILL
 * @param containerName null for {@code <project>_<service>_<n>}
 */
public record ContainerOptions(
        String hostname, String domainname, String macAddress, String containerName,
        boolean stdinOpen, boolean tty, String logDriver, Map<String, String> logOptions,
        String networkMode, List<String> dns, List<String> dnsSearch, List<String> extraHosts, List<String> externalLinks,
        List<String> volumesFrom, String volumeDriver, String pid, String ipc,
        boolean privileged, boolean readOnly, Boolean init, List<String> capAdd, List<String> capDrop,
        List<String> securityOpt, List<String> devices, String cgroupParent,
        long shmSize, Map<String, String> tmpfs, Map<String, String> sysctls, Map<String, Ulimit> ulimits,
        long cpuShares, long cpuQuota, String cpuset, long memoryReservation, long memorySwap, Integer memorySwappiness,
        Integer stopGraceSeconds) {

    public static final ContainerOptions NONE = new ContainerOptions(null, null, null, null, false, false, null, Map.of(),
            null, List.of(), List.of(), List.of(), List.of(), List.of(), null, null, null, false, false, null, List.of(),
            List.of(), List.of(), List.of(), null, 0, Map.of(), Map.of(), Map.of(), 0, 0, null, 0, 0, null, null);

    /** A resource limit; Docker's single-number form has soft equal to hard. */
    public record Ulimit(long soft, long hard) {
    }

    /** The service whose container this one shares a namespace with ({@code service:NAME}), else null. */
    static String serviceOf(String mode) {
        return mode != null && mode.startsWith("service:") ? mode.substring("service:".length()) : null;
    }
}
