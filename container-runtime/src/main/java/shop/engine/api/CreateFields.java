package shop.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import shop.engine.support.EngineException;

/**
 * Every field of Docker's create body ({@code POST /containers/create}) the engine knows, and
 * what it does with each, in one table: it honours the field, or leaves it to the client (the
 * client acts on it, or it only describes), or takes it only at the default real clients send
 * (the docker CLI sends {@code "Devices": []}, docker-java {@code null}, compose
 * {@code "LogConfig": {"Type": ""}}) and refuses any other value with a 400 naming it. A field
 * the table does not list is taken at an empty default and refused otherwise, so nothing that
 * would change a container is ever dropped in silence.
 *
 * <p>Paths are Docker's: {@code HostConfig.Mounts[].BindOptions.Propagation}; {@code *} stands
 * for any key of a map ({@code NetworkingConfig.EndpointsConfig.*.Aliases}).
 */
final class CreateFields {

    private enum Use {
        /** The engine acts on it (the records it maps onto check its values). */
        HONOURED,
        /** The client's own business, or a description the engine need not act on: any value. */
        CLIENT_ONLY,
        /** Accepted at its default only. */
        DEFAULT_ONLY,
        /** An object whose fields have rules of their own. */
        PARTS
    }

    private record Rule(Use use, Predicate<JsonNode> isDefault, String refusal) {
    }

    private static final Predicate<JsonNode> EMPTY = CreateFields::empty;

    private final Map<String, Rule> rules = new LinkedHashMap<>();
    private final Set<String> withParts = new HashSet<>();

    /** @param runtime the OCI runtime this engine runs, the one value HostConfig.Runtime may name */
    CreateFields(String runtime) {
        // --- Config ---
        honoured("Image", "Hostname", "Domainname", "User", "Env", "Cmd", "Entrypoint", "WorkingDir", "Labels",
                "ExposedPorts", "Volumes", "StopSignal", "OpenStdin", "StdinOnce", "Shell");
        parts("Healthcheck");
        honoured("Healthcheck.Test", "Healthcheck.Interval", "Healthcheck.Timeout", "Healthcheck.StartPeriod",
                "Healthcheck.StartInterval", "Healthcheck.Retries");
        // Which streams the client attaches to is the client's to decide, at attach.
        clientOnly("AttachStdin", "AttachStdout", "AttachStderr");
        honoured("Tty");
        defaultOnly("ArgsEscaped", EMPTY, "it only means something on Windows");
        defaultOnly("MacAddress", EMPTY, "a fixed MAC address is not supported by this engine");
        defaultOnly("NetworkDisabled", EMPTY, "use HostConfig.NetworkMode \"none\"");
        defaultOnly("OnBuild", EMPTY, "ONBUILD triggers belong to images; a container does not keep them");
        honoured("StopTimeout");
        defaultOnly("PortSpecs", EMPTY, "use ExposedPorts and HostConfig.PortBindings");

        // --- HostConfig: honoured ---
        parts("HostConfig");
        honoured("HostConfig.Binds", "HostConfig.Tmpfs", "HostConfig.VolumesFrom", "HostConfig.NetworkMode",
                "HostConfig.PortBindings", "HostConfig.PublishAllPorts", "HostConfig.Links", "HostConfig.ExtraHosts",
                "HostConfig.Dns", "HostConfig.DnsSearch", "HostConfig.DnsOptions", "HostConfig.RestartPolicy",
                "HostConfig.AutoRemove", "HostConfig.Privileged", "HostConfig.CapAdd", "HostConfig.CapDrop",
                "HostConfig.SecurityOpt", "HostConfig.MaskedPaths", "HostConfig.ReadonlyPaths", "HostConfig.ReadonlyRootfs", "HostConfig.Init", "HostConfig.GroupAdd",
                "HostConfig.Ulimits", "HostConfig.Sysctls", "HostConfig.OomScoreAdj", "HostConfig.PidMode",
                "HostConfig.IpcMode", "HostConfig.UTSMode", "HostConfig.CgroupnsMode", "HostConfig.ShmSize", "HostConfig.Memory",
                "HostConfig.MemoryReservation", "HostConfig.MemorySwap", "HostConfig.NanoCpus", "HostConfig.CpuShares",
                "HostConfig.CpuPeriod", "HostConfig.CpuQuota", "HostConfig.CpusetCpus", "HostConfig.CpusetMems",
                "HostConfig.PidsLimit",
                // The first size of the container's terminal (with Tty).
                "HostConfig.ConsoleSize");
        honoured("HostConfig.Mounts", "HostConfig.Mounts[].Type", "HostConfig.Mounts[].Source",
                "HostConfig.Mounts[].Target", "HostConfig.Mounts[].ReadOnly");
        // A macOS file-sharing hint; nothing on Linux.
        clientOnly("HostConfig.Mounts[].Consistency");
        parts("HostConfig.Mounts[].BindOptions");
        honoured("HostConfig.Mounts[].BindOptions.Propagation", "HostConfig.Mounts[].BindOptions.NonRecursive",
                "HostConfig.Mounts[].BindOptions.CreateMountpoint");
        defaultOnly("HostConfig.Mounts[].BindOptions.ReadOnlyNonRecursive", EMPTY, "not supported by this engine");
        defaultOnly("HostConfig.Mounts[].BindOptions.ReadOnlyForceRecursive", EMPTY, "not supported by this engine");
        parts("HostConfig.Mounts[].VolumeOptions");
        honoured("HostConfig.Mounts[].VolumeOptions.NoCopy", "HostConfig.Mounts[].VolumeOptions.Labels");
        parts("HostConfig.Mounts[].VolumeOptions.DriverConfig");
        defaultOnly("HostConfig.Mounts[].VolumeOptions.DriverConfig.Name", oneOf("", "local"),
                "only the local volume driver is supported by this engine");
        defaultOnly("HostConfig.Mounts[].VolumeOptions.DriverConfig.Options", EMPTY,
                "volume driver options are not supported by this engine");
        defaultOnly("HostConfig.Mounts[].VolumeOptions.Subpath", EMPTY, "volume subpaths are not supported by this engine");
        parts("HostConfig.Mounts[].TmpfsOptions");
        honoured("HostConfig.Mounts[].TmpfsOptions.SizeBytes", "HostConfig.Mounts[].TmpfsOptions.Mode");
        defaultOnly("HostConfig.Mounts[].TmpfsOptions.Options", EMPTY,
                "tmpfs options besides SizeBytes and Mode are not supported here; HostConfig.Tmpfs takes them");
        // The CLI writes the id into that file itself.
        clientOnly("HostConfig.ContainerIDFile");

        // --- HostConfig: accepted at their defaults ---
        parts("HostConfig.LogConfig");
        defaultOnly("HostConfig.LogConfig.Type", oneOf("", "json-file"),
                "only json-file logging is supported by this engine (docker logs reads it)");
        defaultOnly("HostConfig.LogConfig.Config", EMPTY, "log options (rotation, tags) are not supported by this engine");
        defaultOnly("HostConfig.Runtime", oneOf("", runtime), "this engine runs " + runtime);
        defaultOnly("HostConfig.VolumeDriver", oneOf("", "local"), "only the local volume driver is supported by this engine");
        defaultOnly("HostConfig.Isolation", oneOf("", "default"), "isolation modes only mean something on Windows");
        defaultOnly("HostConfig.UsernsMode", oneOf("", "host"), "user namespaces are not supported by this engine");
        defaultOnly("HostConfig.Devices", EMPTY, "host devices are not supported by this engine");
        defaultOnly("HostConfig.DeviceCgroupRules", EMPTY, "device cgroup rules are not supported by this engine");
        defaultOnly("HostConfig.DeviceRequests", EMPTY, "device requests (GPUs) are not supported by this engine");
        for (String blkio : List.of("BlkioWeight", "BlkioWeightDevice", "BlkioDeviceReadBps", "BlkioDeviceWriteBps",
                "BlkioDeviceReadIOps", "BlkioDeviceWriteIOps")) {
            defaultOnly("HostConfig." + blkio, EMPTY, "block I/O limits are not supported by this engine");
        }
        defaultOnly("HostConfig.CpuRealtimePeriod", EMPTY, "real-time CPU scheduling is not supported by this engine");
        defaultOnly("HostConfig.CpuRealtimeRuntime", EMPTY, "real-time CPU scheduling is not supported by this engine");
        for (String windows : List.of("CpuCount", "CpuPercent", "IOMaximumIOps", "IOMaximumBandwidth")) {
            defaultOnly("HostConfig." + windows, EMPTY, "it only means something on Windows");
        }
        defaultOnly("HostConfig.MemorySwappiness", EMPTY.or(node -> node.asLong() == -1 && node.isNumber()),
                "memory swappiness is not supported by this engine");
        defaultOnly("HostConfig.OomKillDisable", EMPTY, "turning the OOM killer off is not supported by this engine");
        defaultOnly("HostConfig.KernelMemory", EMPTY, "kernel memory limits are not supported (the kernel dropped them)");
        defaultOnly("HostConfig.KernelMemoryTCP", EMPTY, "kernel memory limits are not supported (the kernel dropped them)");
        defaultOnly("HostConfig.CgroupParent", EMPTY, "containers' cgroups sit under the engine's own; another parent is"
                + " not supported by this engine");
        defaultOnly("HostConfig.Cgroup", EMPTY, "joining another container's cgroup is not supported by this engine");
        defaultOnly("HostConfig.StorageOpt", EMPTY, "storage options are not supported by this engine");
        defaultOnly("HostConfig.Annotations", EMPTY, "OCI annotations are not supported by this engine");
        defaultOnly("HostConfig.DiskQuota", EMPTY, "disk quotas are not supported by this engine");
        defaultOnly("HostConfig.LxcConf", EMPTY, "LXC options are not supported by this engine");
        defaultOnly("HostConfig.Capabilities", EMPTY, "use CapAdd and CapDrop");

        // --- NetworkingConfig ---
        parts("NetworkingConfig");
        parts("NetworkingConfig.EndpointsConfig");
        parts("NetworkingConfig.EndpointsConfig.*");
        honoured("NetworkingConfig.EndpointsConfig.*.Aliases");
        defaultOnly("NetworkingConfig.EndpointsConfig.*.IPAMConfig", EMPTY,
                "fixed addresses are not supported by this engine; each endpoint gets the next free one");
        defaultOnly("NetworkingConfig.EndpointsConfig.*.Links", EMPTY,
                "links per endpoint are not supported by this engine; HostConfig.Links are");
        defaultOnly("NetworkingConfig.EndpointsConfig.*.MacAddress", EMPTY, "a fixed MAC address is not supported by this engine");
        defaultOnly("NetworkingConfig.EndpointsConfig.*.DriverOpts", EMPTY, "endpoint driver options are not supported by this engine");
        defaultOnly("NetworkingConfig.EndpointsConfig.*.GwPriority", EMPTY, "gateway priorities are not supported by this engine");
        // What inspect shows of an endpoint; Docker ignores them on create too.
        clientOnly("NetworkingConfig.EndpointsConfig.*.NetworkID", "NetworkingConfig.EndpointsConfig.*.EndpointID",
                "NetworkingConfig.EndpointsConfig.*.Gateway", "NetworkingConfig.EndpointsConfig.*.IPAddress",
                "NetworkingConfig.EndpointsConfig.*.IPPrefixLen", "NetworkingConfig.EndpointsConfig.*.IPv6Gateway",
                "NetworkingConfig.EndpointsConfig.*.GlobalIPv6Address",
                "NetworkingConfig.EndpointsConfig.*.GlobalIPv6PrefixLen", "NetworkingConfig.EndpointsConfig.*.DNSNames");
    }

    private void honoured(String... paths) {
        for (String path : paths) {
            add(path, new Rule(Use.HONOURED, null, null));
        }
    }

    private void clientOnly(String... paths) {
        for (String path : paths) {
            add(path, new Rule(Use.CLIENT_ONLY, null, null));
        }
    }

    private void parts(String path) {
        add(path, new Rule(Use.PARTS, null, null));
    }

    private void defaultOnly(String path, Predicate<JsonNode> isDefault, String refusal) {
        add(path, new Rule(Use.DEFAULT_ONLY, isDefault, refusal));
    }

    /** Notes the path's rule, and each object above it as one whose fields have rules. */
    private void add(String path, Rule rule) {
        rules.put(path, rule);
        for (int dot = path.lastIndexOf('.'); dot > 0; dot = path.lastIndexOf('.')) {
            path = path.substring(0, dot);
            if (path.endsWith("[]")) {
                path = path.substring(0, path.length() - 2);
            }
            withParts.add(path);
        }
    }

    /** Refuses, with a 400 naming the first, any field a create body carries at a value the engine would not honour. */
    void check(JsonNode body) {
        check(body, "", "");
    }

    private void check(JsonNode object, String rulePath, String shownPath) {
        for (Map.Entry<String, JsonNode> field : (Iterable<Map.Entry<String, JsonNode>>) object::fields) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            String path = rulePath.isEmpty() ? name : rulePath + "." + name;
            String shown = shownPath.isEmpty() ? name : shownPath + "." + name;
            Rule rule = rules.get(path);
            if (rule == null && rules.containsKey(rulePath + ".*")) {
                path = rulePath + ".*";
                rule = rules.get(path);
            }
            if (rule == null) {
                if (!empty(value)) {
                    throw EngineException.invalid(shown + ": not supported by this engine");
                }
                continue;
            }
            if (rule.use() == Use.DEFAULT_ONLY && !rule.isDefault().test(value)) {
                throw EngineException.invalid(shown + ": " + rule.refusal());
            }
            if ((rule.use() == Use.HONOURED || rule.use() == Use.PARTS) && withParts.contains(path)) {
                if (value.isObject()) {
                    check(value, path, shown);
                } else if (value.isArray()) {
                    for (int i = 0; i < value.size(); i++) {
                        if (value.get(i).isObject()) {
                            check(value.get(i), path + "[]", shown + "[" + i + "]");
                        }
                    }
                }
            }
        }
    }

    /** What clients send for "not set": null, "", 0, false, [], or an object of nothing but those. */
    private static boolean empty(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return true;
        }
        if (value.isTextual()) {
            return value.asText().isEmpty();
        }
        if (value.isNumber()) {
            return value.asDouble() == 0;
        }
        if (value.isBoolean()) {
            return !value.asBoolean();
        }
        if (value.isArray()) {
            return value.isEmpty();
        }
        if (value.isObject()) {
            for (JsonNode child : value) {
                if (!empty(child)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static Predicate<JsonNode> oneOf(String... values) {
        List<String> allowed = List.of(values);
        return node -> node.isNull() || (node.isTextual() && allowed.contains(node.asText()));
    }
}
