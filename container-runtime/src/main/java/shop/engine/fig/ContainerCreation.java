package shop.engine.fig;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Device;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Link;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Ulimit;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.api.model.VolumesFrom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import shop.engine.terminal.TerminalSession;

/**
 * One container of a service, as Docker's create request: the service's keys in Config and
 * HostConfig, its labels, and references to other services turned into their containers (a
 * link into Docker's links to each of the linked service's containers, {@code service:NAME} into
 * {@code container:} of its first, volumes_from into each of its containers), as compose does.
 * It joins its first network at create and the others right after, before it starts.
 */
final class ContainerCreation {

    private final DockerClient docker;
    private final ProjectSpec project;
    private final Function<String, List<String>> containersOf;

    /** {@code containersOf} names a service's containers, by number. */
    ContainerCreation(DockerClient docker, ProjectSpec project, Function<String, List<String>> containersOf) {
        this.docker = docker;
        this.project = project;
        this.containersOf = containersOf;
    }

    /**
     * Creates the container and joins its networks; {@code run} is null for a replica, and
     * {@code terminal} null unless it runs on the user's terminal. Returns its id.
     */
    String create(ServiceSpec service, String name, Map<String, String> labels, Stack.RunOptions run,
                  TerminalSession terminal) {
        String id;
        try {
            CreateContainerCmd command = command(service, name, labels, run);
            id = (terminal == null ? command : terminal.prepare(command)).exec().getId();
        } catch (DockerException e) {
            throw new FigException("service " + service.name() + ": create " + name + ": " + FigException.engineMessage(e), e);
        }
        List<String> networks = new ArrayList<>(service.networks().keySet());
        for (String network : networks.subList(Math.min(1, networks.size()), networks.size())) {
            docker.connectToNetworkCmd().withNetworkId(networkName(network)).withContainerId(id)
                    .withContainerNetwork(new ContainerNetwork().withAliases(aliases(service, network))).exec();
        }
        return id;
    }

    /** The create request, not yet sent. */
    CreateContainerCmd command(ServiceSpec service, String name, Map<String, String> labels, Stack.RunOptions run) {
        ContainerOptions o = service.options();
        List<String> networks = new ArrayList<>(service.networks().keySet());
        String networkMode = o.networkMode() != null ? namespace(o.networkMode(), "network_mode", service)
                : networks.isEmpty() ? "none" : networkName(networks.get(0));
        HostConfig host = HostConfig.newHostConfig()
                .withNetworkMode(networkMode)
                .withBinds(binds(service))
                .withMemory(service.memoryBytes() > 0 ? service.memoryBytes() : null)
                .withNanoCPUs(service.cpus() > 0 ? (long) (service.cpus() * 1e9) : null)
                .withRestartPolicy(service.restart() == null || service.restart().isEmpty() || run != null
                        ? RestartPolicy.noRestart() : RestartPolicy.parse(service.restart()))
                .withLinks(links(service, networkMode, run != null))
                .withVolumesFrom(volumesFrom(service))
                .withPidMode(namespace(o.pid(), "pid", service))
                .withIpcMode(namespace(o.ipc(), "ipc", service))
                .withDns(array(o.dns()))
                .withDnsSearch(array(o.dnsSearch()))
                .withExtraHosts(array(o.extraHosts()))
                .withPrivileged(o.privileged() ? true : null)
                .withReadonlyRootfs(o.readOnly() ? true : null)
                .withInit(o.init())
                .withCapAdd(o.capAdd().isEmpty() ? null : o.capAdd().stream().map(Capability::valueOf).toArray(Capability[]::new))
                .withCapDrop(o.capDrop().isEmpty() ? null : o.capDrop().stream().map(Capability::valueOf).toArray(Capability[]::new))
                .withSecurityOpts(o.securityOpt().isEmpty() ? null : o.securityOpt())
                .withDevices(o.devices().isEmpty() ? null : o.devices().stream().map(ContainerCreation::device).toArray(Device[]::new))
                .withCgroupParent(o.cgroupParent())
                .withShmSize(o.shmSize() > 0 ? o.shmSize() : null)
                .withTmpFs(o.tmpfs().isEmpty() ? null : o.tmpfs())
                .withSysctls(o.sysctls().isEmpty() ? null : o.sysctls())
                .withUlimits(ulimits(o))
                .withCpuShares(o.cpuShares() > 0 ? (int) o.cpuShares() : null)
                .withCpuQuota(o.cpuQuota() > 0 ? o.cpuQuota() : null)
                .withCpusetCpus(o.cpuset())
                .withMemoryReservation(o.memoryReservation() > 0 ? o.memoryReservation() : null)
                .withMemorySwap(o.memorySwap() != 0 ? o.memorySwap() : null)
                .withMemorySwappiness(o.memorySwappiness() == null ? null : o.memorySwappiness().longValue())
                .withVolumeDriver(o.volumeDriver())
                .withLogConfig(o.logDriver() == null && o.logOptions().isEmpty() ? null
                        : new LogConfig(LogConfig.LoggingType.fromValue(o.logDriver()), o.logOptions()));
        List<ExposedPort> exposed = new ArrayList<>();
        service.expose().forEach(p -> exposed.add(ExposedPort.parse(p.contains("/") ? p : p + "/tcp")));
        // A one-off publishes the service's ports only when asked to (compose's run --service-ports).
        if (!service.ports().isEmpty() && (run == null || run.servicePorts())) {
            List<PortBinding> bindings = new ArrayList<>();
            for (String port : service.ports()) {
                PortBinding binding = PortBinding.parse(port);
                bindings.add(binding);
                exposed.add(binding.getExposedPort());
            }
            host.withPortBindings(bindings);
        }
        Map<String, String> environment = new LinkedHashMap<>(service.environment());
        List<String> command = service.command();
        List<String> entrypoint = service.entrypoint();
        if (run != null) {
            environment.putAll(run.environment());
            entrypoint = run.entrypoint() != null ? run.entrypoint() : entrypoint;
            // As compose: a new entrypoint without a command drops the service's command too.
            command = !run.command().isEmpty() ? run.command() : run.entrypoint() != null ? List.of() : command;
        }
        CreateContainerCmd cmd = docker.createContainerCmd(service.image()).withName(name).withLabels(labels)
                .withHostConfig(host).withExposedPorts(exposed)
                .withEnv(environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        // docker-java's setters of these refuse null: set only what the service says.
        set(o.hostname(), cmd::withHostName);
        set(o.domainname(), cmd::withDomainName);
        set(o.macAddress(), cmd::withMacAddress);
        set(o.stopGraceSeconds(), cmd::withStopTimeout);
        boolean tty = run != null ? run.tty() : o.tty();
        set(tty ? true : null, cmd::withTty);
        set(o.stdinOpen() ? true : null, cmd::withStdinOpen);
        if (networkMode.equals(networks.isEmpty() ? null : networkName(networks.get(0)))) {
            cmd.withAliases(aliases(service, networks.get(0)));
        }
        set(command, cmd::withCmd);
        set(entrypoint, cmd::withEntrypoint);
        set(service.user(), cmd::withUser);
        set(service.workingDir(), cmd::withWorkingDir);
        set(service.stopSignal(), cmd::withStopSignal);
        if (service.healthcheck() != null) {
            ServiceSpec.Healthcheck hc = service.healthcheck();
            cmd.withHealthcheck(new HealthCheck().withTest(hc.test()).withInterval(hc.interval()).withTimeout(hc.timeout())
                    .withStartPeriod(hc.startPeriod()).withStartInterval(hc.startInterval()).withRetries(hc.retries()));
        }
        return cmd;
    }

    private String networkName(String shortName) {
        return project.name() + "_" + shortName;
    }

    /** Other services reach a replica by its service name and its aliases on that network. */
    private static List<String> aliases(ServiceSpec service, String network) {
        List<String> aliases = new ArrayList<>(List.of(service.name()));
        aliases.addAll(service.networks().getOrDefault(network, List.of()));
        return aliases;
    }

    /** A stack's volume by its short name gets the project's prefix; a path or the engine's own volume stays. */
    private List<Bind> binds(ServiceSpec service) {
        List<Bind> binds = new ArrayList<>();
        for (String volume : service.volumes()) {
            String[] parts = volume.split(":");
            String source = project.volumes().contains(parts[0]) ? networkName(parts[0]) : parts[0];
            AccessMode mode = parts.length > 2 && parts[2].startsWith("ro") ? AccessMode.ro : AccessMode.rw;
            binds.add(new Bind(source, new Volume(parts[1]), mode));
        }
        service.secrets().forEach(secret -> binds.add(new Bind(secret.file().toString(), new Volume(secret.target()), AccessMode.ro)));
        return binds;
    }

    /** {@code service:NAME} becomes {@code container:} and the service's first container; other modes pass. */
    private String namespace(String mode, String key, ServiceSpec service) {
        String target = ContainerOptions.serviceOf(mode);
        if (target == null) {
            return mode;
        }
        List<String> containers = containersOf.apply(target);
        if (containers.isEmpty()) {
            throw new FigException("service " + service.name() + ": " + key + " " + mode + ": service " + target
                    + " has no container; start it first");
        }
        return "container:" + containers.get(0);
    }

    /**
     * On Docker's default bridge names resolve only through links: compose links each container
     * of a linked service as the alias, as its own name and as {@code <service>_<n>}, and a one-off
     * to its own service's containers too. On the stack's networks the aliases do that already.
     */
    private List<Link> links(ServiceSpec service, String networkMode, boolean oneOff) {
        Map<String, String> byAlias = new LinkedHashMap<>();
        if (networkMode.equals("bridge")) {
            List<String> linked = new ArrayList<>(service.links());
            if (oneOff) {
                linked.add(service.name());
            }
            for (String link : linked) {
                String[] parts = link.split(":", 2);
                for (String container : containersOf.apply(parts[0])) {
                    byAlias.put(parts.length == 2 ? parts[1] : parts[0], container);
                    byAlias.put(container, container);
                    byAlias.put(container.replaceFirst("^" + project.name() + "_", ""), container);
                }
            }
        }
        for (String external : service.options().externalLinks()) {
            String[] parts = external.split(":", 2);
            byAlias.put(parts.length == 2 ? parts[1] : parts[0], parts[0]);
        }
        List<Link> links = new ArrayList<>();
        byAlias.forEach((alias, container) -> links.add(new Link(container, alias)));
        return links;
    }

    /** Each container of a service, or the named container, with the mode asked for. */
    private List<VolumesFrom> volumesFrom(ServiceSpec service) {
        List<VolumesFrom> sources = new ArrayList<>();
        for (String source : service.options().volumesFrom()) {
            boolean container = source.startsWith("container:");
            String[] parts = (container ? source.substring("container:".length()) : source).split(":");
            AccessMode mode = parts.length == 2 && parts[1].equals("ro") ? AccessMode.ro : AccessMode.rw;
            List<String> names = container ? List.of(parts[0]) : containersOf.apply(parts[0]);
            if (names.isEmpty()) {
                throw new FigException("service " + service.name() + ": volumes_from " + parts[0] + ": it has no container; start it first");
            }
            names.forEach(name -> sources.add(new VolumesFrom(name, mode)));
        }
        return sources;
    }

    /** {@code /dev/x[:/dev/y][:rwm]}: the container's path is the host's unless given, with all permissions. */
    private static Device device(String spec) {
        String[] parts = spec.split(":");
        String inContainer = parts.length > 1 && parts[1].startsWith("/") ? parts[1] : parts[0];
        String permissions = parts[parts.length - 1].startsWith("/") ? "rwm" : parts[parts.length - 1];
        return new Device(permissions, inContainer, parts[0]);
    }

    /** Null leaves the engine's limits; docker-java's list setters refuse null. */
    private static Ulimit[] ulimits(ContainerOptions o) {
        return o.ulimits().isEmpty() ? null : o.ulimits().entrySet().stream()
                .map(e -> new Ulimit(e.getKey(), e.getValue().soft(), e.getValue().hard())).toArray(Ulimit[]::new);
    }

    private static <T> void set(T value, Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    private static String[] array(List<String> values) {
        return values.isEmpty() ? null : values.toArray(String[]::new);
    }
}
