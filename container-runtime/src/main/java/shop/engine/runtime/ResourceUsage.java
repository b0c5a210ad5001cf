package shop.engine.runtime;

import java.time.Instant;
import java.util.Map;

/**
 * A container's resource use at one moment, read from its cgroup and its network namespace: what
 * Docker's stats endpoint reports.
 *
 * @param cpuNanos      CPU time the container's processes used since it started
 * @param systemNanos   CPU time the whole host used since boot (the denominator of CPU %)
 * @param memoryLimit   the container's limit, or the host's memory when it has none
 * @param memoryStats   the cgroup's memory.stat, for clients that subtract the page cache
 * @param networks      per interface inside the container
 */
public record ResourceUsage(Instant read, long cpuNanos, long systemNanos, int onlineCpus, long memoryUsage,
                            long memoryLimit, Map<String, Long> memoryStats, long pids, long pidsLimit,
                            Map<String, Interface> networks, long blockRead, long blockWritten) {

    /** One network interface's counters. */
    public record Interface(long rxBytes, long rxPackets, long rxErrors, long rxDropped,
                            long txBytes, long txPackets, long txErrors, long txDropped) {
    }
}
