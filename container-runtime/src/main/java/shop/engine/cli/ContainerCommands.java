package shop.engine.cli;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.StreamType;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import shop.engine.support.Durations;
import shop.engine.support.EngineException;
import shop.engine.support.Sizes;
import shop.engine.terminal.TerminalSession;

/**
 * create, run, start, stop, kill, wait, rm, logs, ps, exec: through the engine's API, so the
 * daemon supervises what they start (restarts, healthchecks, published ports) after they return.
 */
final class ContainerCommands {

    private ContainerCommands() {
    }

    static final class CreateOptions {
        @Option(names = "--name")
        String name;
        @Option(names = {"-e", "--env"})
        List<String> env;
        @Option(names = {"-w", "--workdir"})
        String workdir;
        @Option(names = {"-u", "--user"})
        String user;
        @Option(names = {"-v", "--volume"})
        List<String> volumes;
        @Option(names = "--network", defaultValue = "bridge")
        String network;
        @Option(names = "--network-alias")
        List<String> networkAliases;
        @Option(names = {"-p", "--publish"}, description = "[ip:][hostPort:]containerPort[/tcp]; no host port means any free one")
        List<String> publish;
        @Option(names = "--restart", defaultValue = "no")
        String restart;
        @Option(names = {"-m", "--memory"}, description = "Memory limit, e.g. 64m or 1g")
        String memory;
        @Option(names = "--cpus")
        double cpus;
        @Option(names = "--pids-limit")
        Long pidsLimit;
        @Option(names = "--rm")
        boolean autoRemove;
        @Option(names = "--entrypoint")
        String entrypoint;
        @Option(names = "--health-cmd")
        String healthCmd;
        @Option(names = "--health-interval", defaultValue = "30s")
        String healthInterval;
        @Option(names = "--health-retries", defaultValue = "3")
        int healthRetries;
        @Option(names = "--stop-signal")
        String stopSignal;
        @Option(names = {"-i", "--interactive"}, description = "Keep the container's stdin open; with run -t, type into it")
        boolean interactive;
        @Option(names = {"-t", "--tty"}, description = "Run the container on a terminal")
        boolean tty;
        @Parameters(index = "0", description = "Image")
        String image;
        @Parameters(index = "1..*", description = "Command and arguments")
        List<String> command;

        /** Creates the container; returns its id. */
        String create(DockerClient docker) {
            return command(docker).exec().getId();
        }

        /** The create request, to send as it is or with more in it. */
        CreateContainerCmd command(DockerClient docker) {
            HostConfig host = HostConfig.newHostConfig().withNetworkMode(network)
                    .withRestartPolicy(RestartPolicy.parse(restart)).withAutoRemove(autoRemove);
            List<ExposedPort> exposed = new ArrayList<>();
            if (publish != null) {
                List<PortBinding> bindings = new ArrayList<>();
                for (String spec : publish) {
                    PortBinding binding = parse(spec, PortBinding::parse, "publish");
                    bindings.add(binding);
                    exposed.add(binding.getExposedPort());
                }
                host.withPortBindings(bindings);
            }
            if (volumes != null) {
                host.withBinds(volumes.stream().map(v -> parse(v, Bind::parse, "volume")).toList());
            }
            long bytes = bytes(memory);
            if (bytes > 0) {
                host.withMemory(bytes);
            }
            if (cpus > 0) {
                host.withNanoCPUs((long) (cpus * 1e9));
            }
            if (pidsLimit != null) {
                host.withPidsLimit(pidsLimit);
            }
            CreateContainerCmd cmd = docker.createContainerCmd(image).withHostConfig(host).withExposedPorts(exposed);
            if (name != null) {
                cmd.withName(name);
            }
            if (env != null) {
                cmd.withEnv(env);
            }
            if (workdir != null) {
                cmd.withWorkingDir(workdir);
            }
            if (user != null) {
                cmd.withUser(user);
            }
            if (networkAliases != null) {
                cmd.withAliases(networkAliases);
            }
            if (entrypoint != null) {
                cmd.withEntrypoint(entrypoint);
            }
            if (command != null && !command.isEmpty()) {
                cmd.withCmd(command);
            }
            if (stopSignal != null) {
                cmd.withStopSignal(stopSignal);
            }
            if (healthCmd != null) {
                cmd.withHealthcheck(new HealthCheck().withTest(List.of("CMD-SHELL", healthCmd))
                        .withInterval(Durations.parse(healthInterval).toNanos()).withRetries(healthRetries));
            }
            return cmd.withTty(tty).withStdinOpen(interactive);
        }

        /** docker-java's parsers throw IllegalArgumentException; the user should see which option was wrong. */
        private static <T> T parse(String text, java.util.function.Function<String, T> parser, String option) {
            try {
                return parser.apply(text);
            } catch (RuntimeException e) {
                throw EngineException.invalid("invalid --" + option + " \"" + text + "\": " + e.getMessage());
            }
        }

        static long bytes(String text) {
            return text == null ? 0 : Sizes.parse(text);
        }
    }

    @Command(name = "create", description = "Create a container")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        Main main;
        @Mixin
        CreateOptions options;

        @Override
        public Integer call() {
            main.out.println(options.create(main.docker()));
            return 0;
        }
    }

    @Command(name = "run", description = "Create and start a container; without -d, print its output and exit with its status;"
            + " with -it, run it on this terminal")
    static final class Run implements Callable<Integer> {
        @ParentCommand
        Main main;
        @Mixin
        CreateOptions options;
        @Option(names = {"-d", "--detach"})
        boolean detach;

        @Override
        public Integer call() throws InterruptedException {
            DockerClient docker = main.docker();
            // Without -d the client removes it after reading the exit code, so the output is read in full first.
            boolean remove = options.autoRemove && !detach;
            options.autoRemove = options.autoRemove && detach;
            TerminalSession terminal = detach ? null : terminal(main, options.interactive, options.tty);
            CreateContainerCmd create = options.command(docker);
            String id = (terminal == null ? create : terminal.prepare(create)).exec().getId();
            if (terminal != null) {
                terminal.runContainer(id);
            } else {
                docker.startContainerCmd(id).exec();
                if (detach) {
                    main.out.println(id);
                    return 0;
                }
                docker.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true)
                        .exec(new FrameCopier(main.out, main.err)).awaitCompletion();
            }
            int code = docker.waitContainerCmd(id).start().awaitStatusCode();
            if (remove) {
                docker.removeContainerCmd(id).withForce(true).exec();
            }
            return code;
        }
    }

    /**
     * The session for -t (with -i, typing into it too); none without -t. Input without a terminal
     * is refused: docker-java cannot end it (see TerminalSession).
     */
    static TerminalSession terminal(Main main, boolean interactive, boolean tty) {
        if (interactive && !tty) {
            throw EngineException.invalid("-i without -t: this CLI cannot end a container's input when a pipe ends;"
                    + " use -it on a terminal, or the docker CLI for piped input");
        }
        return tty ? new TerminalSession(main.docker(), main.out, interactive) : null;
    }

    /** Frames to stdout or stderr by their stream type. */
    static final class FrameCopier extends ResultCallback.Adapter<Frame> {
        private final PrintStream out;
        private final PrintStream err;

        FrameCopier(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public void onNext(Frame frame) {
            PrintStream target = frame.getStreamType() == StreamType.STDERR ? err : out;
            target.write(frame.getPayload(), 0, frame.getPayload().length);
            target.flush();
        }
    }

    /** The commands that act on each named container in turn and print its name, as docker does. */
    abstract static class EachContainer implements Callable<Integer> {
        @ParentCommand
        Main main;
        @Parameters(arity = "1..*")
        List<String> names;

        abstract void apply(DockerClient docker, String name);

        @Override
        public Integer call() {
            names.forEach(n -> {
                apply(main.docker(), n);
                main.out.println(n);
            });
            return 0;
        }
    }

    @Command(name = "start", description = "Start containers")
    static final class Start extends EachContainer {
        @Override
        void apply(DockerClient docker, String name) {
            docker.startContainerCmd(name).exec();
        }
    }

    @Command(name = "stop", description = "Stop containers: the stop signal, then SIGKILL after the timeout")
    static final class Stop extends EachContainer {
        @Option(names = {"-t", "--time"}, defaultValue = "10")
        int timeout;

        @Override
        void apply(DockerClient docker, String name) {
            docker.stopContainerCmd(name).withTimeout(timeout).exec();
        }
    }

    @Command(name = "kill", description = "Signal containers")
    static final class Kill extends EachContainer {
        @Option(names = {"-s", "--signal"}, defaultValue = "KILL")
        String signal;

        @Override
        void apply(DockerClient docker, String name) {
            docker.killContainerCmd(name).withSignal(signal).exec();
        }
    }

    @Command(name = "wait", description = "Wait for containers to stop; print their exit codes")
    static final class Wait implements Callable<Integer> {
        @ParentCommand
        Main main;
        @Parameters(arity = "1..*")
        List<String> names;

        @Override
        public Integer call() {
            names.forEach(n -> main.out.println(main.docker().waitContainerCmd(n).start().awaitStatusCode()));
            return 0;
        }
    }

    @Command(name = "rm", description = "Remove containers")
    static final class Rm extends EachContainer {
        @Option(names = {"-f", "--force"})
        boolean force;

        @Override
        void apply(DockerClient docker, String name) {
            docker.removeContainerCmd(name).withForce(force).exec();
        }
    }

    @Command(name = "logs", description = "Print a container's output")
    static final class Logs implements Callable<Integer> {
        @ParentCommand
        Main main;
        @Option(names = {"-f", "--follow"})
        boolean follow;
        @Option(names = {"-n", "--tail"}, defaultValue = "-1")
        int tail;
        @Option(names = {"-t", "--timestamps"})
        boolean timestamps;
        @Option(names = "--since", description = "Only lines written this long ago or later, e.g. 10m or 30s")
        String since;
        @Parameters(index = "0")
        String name;

        @Override
        public Integer call() throws InterruptedException {
            var cmd = main.docker().logContainerCmd(name).withStdOut(true).withStdErr(true).withFollowStream(follow)
                    .withTimestamps(timestamps);
            if (tail >= 0) {
                cmd.withTail(tail);
            }
            if (since != null) {
                cmd.withSince((int) (System.currentTimeMillis() / 1000 - Durations.parse(since).toSeconds()));
            }
            cmd.exec(new FrameCopier(main.out, main.err)).awaitCompletion();
            return 0;
        }
    }

    @Command(name = "ps", description = "List containers")
    static final class Ps implements Callable<Integer> {
        @ParentCommand
        Main main;
        @Option(names = {"-a", "--all"})
        boolean all;
        @Option(names = {"-q", "--quiet"})
        boolean quiet;
        @Option(names = {"-f", "--filter"}, description = "Docker's filters, key=value (e.g. label=app=web, status=exited); repeatable")
        List<String> filters = List.of();

        @Override
        public Integer call() {
            Map<String, List<String>> byKey = new LinkedHashMap<>();
            for (String filter : filters) {
                int eq = filter.indexOf('=');
                if (eq <= 0) {
                    throw EngineException.invalid("--filter \"" + filter + "\": want key=value, e.g. label=app=web");
                }
                byKey.computeIfAbsent(filter.substring(0, eq), k -> new ArrayList<>()).add(filter.substring(eq + 1));
            }
            var listing = main.docker().listContainersCmd().withShowAll(all);
            byKey.forEach(listing::withFilter);
            var list = listing.exec();
            if (!quiet) {
                main.out.printf("%-14s %-28s %-30s %-26s %-28s %s%n", "CONTAINER ID", "IMAGE", "COMMAND", "STATUS", "PORTS", "NAMES");
            }
            for (var c : list) {
                String shortId = c.getId().substring(0, 12);
                if (quiet) {
                    main.out.println(shortId);
                    continue;
                }
                String command = c.getCommand() == null ? "" : c.getCommand();
                List<String> ports = new ArrayList<>();
                for (var p : c.getPorts()) {
                    ports.add(p.getPublicPort() == null ? p.getPrivatePort() + "/tcp"
                            : p.getIp() + ":" + p.getPublicPort() + "->" + p.getPrivatePort() + "/tcp");
                }
                main.out.printf("%-14s %-28s %-30s %-26s %-28s %s%n", shortId, c.getImage(),
                        "\"" + (command.length() > 26 ? command.substring(0, 26) + "…" : command) + "\"", c.getStatus(),
                        String.join(", ", ports), c.getNames()[0].replaceFirst("^/", ""));
            }
            return 0;
        }
    }

    @Command(name = "exec", description = "Run a command in a running container; exits with its status")
    static final class Exec implements Callable<Integer> {
        @ParentCommand
        Main main;
        @Option(names = {"-e", "--env"})
        List<String> env;
        @Option(names = {"-u", "--user"})
        String user;
        @Option(names = {"-i", "--interactive"}, description = "With -t, type into the command")
        boolean interactive;
        @Option(names = {"-t", "--tty"}, description = "Run the command on a terminal")
        boolean tty;
        @Parameters(index = "0")
        String name;
        @Parameters(index = "1..*", arity = "1..*")
        List<String> command;

        @Override
        public Integer call() throws InterruptedException {
            DockerClient docker = main.docker();
            TerminalSession terminal = terminal(main, interactive, tty);
            var create = docker.execCreateCmd(name).withCmd(command.toArray(String[]::new))
                    .withAttachStdout(true).withAttachStderr(true);
            if (env != null) {
                create.withEnv(env);
            }
            if (user != null) {
                create.withUser(user);
            }
            String exec = (terminal == null ? create : terminal.prepare(create)).exec().getId();
            if (terminal != null) {
                terminal.runExec(exec);
            } else {
                docker.execStartCmd(exec).exec(new FrameCopier(main.out, main.err)).awaitCompletion();
            }
            Long code = docker.inspectExecCmd(exec).exec().getExitCodeLong();
            return code == null ? 0 : code.intValue();
        }
    }
}
