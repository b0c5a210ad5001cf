package shop.engine.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import shop.engine.container.Container;
import shop.engine.runtime.ResourceUsage;
import shop.engine.support.Json;

/**
 * A stats reading as Docker's JSON: the docker CLI computes CPU % from the difference between
 * {@code cpu_stats} and {@code precpu_stats}, memory from usage less the inactive page cache, and
 * sums the networks and block I/O.
 */
final class StatsView {

    private static final String NEVER = "0001-01-01T00:00:00Z";

    private StatsView() {
    }

    /** The reading {@code now} (null for a container that does not run), against {@code previous}. */
    static ObjectNode of(Container c, ResourceUsage now, ResourceUsage previous) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("name", "/" + c.name()).put("id", c.id());
        o.put("read", now == null ? NEVER : now.read().toString()).put("preread", previous == null ? NEVER : previous.read().toString());
        o.set("cpu_stats", cpu(now));
        o.set("precpu_stats", cpu(previous));
        ObjectNode memory = o.putObject("memory_stats");
        ObjectNode pids = o.putObject("pids_stats");
        ObjectNode blkio = o.putObject("blkio_stats");
        if (now == null) {
            return o;
        }
        memory.put("usage", now.memoryUsage()).put("limit", now.memoryLimit());
        ObjectNode stats = memory.putObject("stats");
        now.memoryStats().forEach(stats::put);
        pids.put("current", now.pids());
        if (now.pidsLimit() > 0) {
            pids.put("limit", now.pidsLimit());
        }
        var bytes = blkio.putArray("io_service_bytes_recursive");
        bytes.addObject().put("major", 0).put("minor", 0).put("op", "read").put("value", now.blockRead());
        bytes.addObject().put("major", 0).put("minor", 0).put("op", "write").put("value", now.blockWritten());
        ObjectNode networks = o.putObject("networks");
        now.networks().forEach((name, n) -> networks.putObject(name).put("rx_bytes", n.rxBytes()).put("rx_packets", n.rxPackets())
                .put("rx_errors", n.rxErrors()).put("rx_dropped", n.rxDropped()).put("tx_bytes", n.txBytes())
                .put("tx_packets", n.txPackets()).put("tx_errors", n.txErrors()).put("tx_dropped", n.txDropped()));
        o.put("num_procs", 0);
        return o;
    }

    private static ObjectNode cpu(ResourceUsage usage) {
        ObjectNode cpu = Json.MAPPER.createObjectNode();
        ObjectNode total = cpu.putObject("cpu_usage").put("total_usage", usage == null ? 0 : usage.cpuNanos())
                .put("usage_in_kernelmode", 0).put("usage_in_usermode", 0);
        total.putArray("percpu_usage");
        cpu.put("system_cpu_usage", usage == null ? 0 : usage.systemNanos())
                .put("online_cpus", usage == null ? 0 : usage.onlineCpus());
        cpu.putObject("throttling_data").put("periods", 0).put("throttled_periods", 0).put("throttled_time", 0);
        return cpu;
    }
}
