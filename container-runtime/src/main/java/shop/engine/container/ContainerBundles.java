package shop.engine.container;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import shop.engine.image.ContainerConfig;
import shop.engine.network.NetworkService;
import shop.engine.runtime.BundleSpec;
import shop.engine.runtime.Capabilities;
import shop.engine.runtime.Rlimits;
import shop.engine.runtime.Users;
import shop.engine.task.Tasks;

/**
 * Writes a created container's OCI bundle from its merged config, its HostConfig and what its
 * create planned: the user it runs as and its groups, its environment, its hostname and /etc
 * files, its mounts, its init, its capabilities and limits, its namespaces. Everything here is
 * decided once, at create, as Docker decides it.
 */
final class ContainerBundles {

    private final Tasks tasks;
    private final NetworkService networks;
    private final Volumes volumes;

    ContainerBundles(Tasks tasks, NetworkService networks, Volumes volumes) {
        this.tasks = tasks;
        this.networks = networks;
        this.volumes = volumes;
    }

    /** The bundle of container {@code id} in {@code dir}, over its mounted {@code rootfs}; returns its hosts file. */
    NetworkService.HostsFile write(String id, Path dir, Path rootfs, ContainerConfig config, HostConfig host,
                                   ContainerPlanner.Plan plan) throws IOException {
        Users.Resolved user = Tasks.prepare(rootfs, config.user(), host.groupAdd(), config.workingDir());
        String hostname = EtcFiles.hostname(id, config, host);
        // Docker's order: the link variables, overridden by the container's own environment.
        List<String> env = new ArrayList<>(ContainerConfig.mergeEnv(plan.linkEnv(), config.env()));
        if (env.stream().noneMatch(e -> e.startsWith("HOME="))) {
            env.add("HOME=" + user.home());
        }
        env.add("HOSTNAME=" + hostname);
        NetworkService.HostsFile hosts = new NetworkService.HostsFile(dir.resolve("hosts"),
                EtcFiles.ownNames(hostname, config), plan.hostEntries());
        List<BundleSpec.Mount> mounts = new ArrayList<>(EtcFiles.write(dir, hostname, hosts, host));
        mounts.addAll(ContainerMounts.materialise(plan.mounts(), rootfs, volumes));
        List<String> args = new ArrayList<>();
        if (host.runsInit()) {
            // Docker's --init: tini as pid 1 reaps orphans and passes signals on to the entrypoint.
            mounts.add(new BundleSpec.Mount(HostConfigRules.INIT_IN_CONTAINER, "bind",
                    HostConfigRules.INIT_BINARY.toString(), List.of("bind", "ro")));
            args.addAll(List.of(HostConfigRules.INIT_IN_CONTAINER, "--"));
        }
        args.addAll(config.args());
        HostConfigRules.Security security = HostConfigRules.security(host);
        BundleSpec.Process process = new BundleSpec.Process(args, env, config.workingDir(), user.uid(), user.gid(),
                user.additionalGids(),
                Capabilities.of(host.privileged(), host.capAdd(), host.capDrop()), security.noNewPrivileges(),
                Rlimits.of(host.ulimits().stream().map(u -> new Rlimits.Limit(u.name(), u.soft(), u.hard())).toList()),
                host.oomScoreAdj());
        BundleSpec.Namespaces namespaces = new BundleSpec.Namespaces(
                host.joinsNetwork() ? networks.namespace(id).toString() : host.networkMode(),
                host.pidMode().equals("host"), host.ipcMode().equals("host"), host.utsMode().equals("host"),
                host.cgroupnsMode().equals("host"), host.shmSize(), host.ipcMode().equals("none"));
        BundleSpec.Resources resources = new BundleSpec.Resources(host.memory(), host.memoryReservation(), host.memorySwap(),
                host.nanoCpus(), host.cpuShares(), host.cpuQuota(), host.cpuPeriod(), host.cpusetCpus(), host.cpusetMems(),
                host.pidsLimit() == null ? 0 : host.pidsLimit());
        tasks.create(id, new BundleSpec(rootfs, host.readonlyRootfs(), process, hostname, mounts, namespaces, resources,
                HostConfigRules.sysctlsOf(host, config), host.privileged(), security.unmaskedPaths(),
                !host.privileged() && !security.unconfinedSyscalls(), config.hasTerminal() ? host.terminalSize() : null), dir.resolve("bundle"));
        return hosts;
    }
}
