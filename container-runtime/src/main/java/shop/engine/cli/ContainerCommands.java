package shop.engine.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import shop.engine.Durations;
import shop.engine.EngineException;
import shop.engine.container.Container;
import shop.engine.container.ContainerService;
import shop.engine.container.HostConfig;
import shop.engine.image.ContainerConfig;

/** create, run, start, stop, kill, wait, rm, logs, ps, exec. */
final class ContainerCommands {

    private ContainerCommands() {
    }

    /** The options create and run share, in docker's spelling. */
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
        @Option(names = "--network", defaultValue = "none")
        String network;
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
        @Parameters(index = "0", description = "Image")
        String image;
        @Parameters(index = "1..*", description = "Command and arguments")
        List<String> command;

        ContainerService.CreateRequest request() {
            ContainerConfig config = ContainerConfig.EMPTY.withEnv(env).withWorkingDir(workdir).withUser(user)
                    .withCmd(command == null || command.isEmpty() ? null : command)
                    .withEntrypoint(entrypoint == null ? null : List.of(entrypoint))
                    .withStopSignal(stopSignal);
            if (healthCmd != null) {
                config = config.withHealthcheck(new ContainerConfig.Healthcheck(List.of("CMD-SHELL", healthCmd),
                        Durations.parse(healthInterval).toNanos(), null, null, healthRetries));
            }
            HostConfig host = new HostConfig(volumes, network, HostConfig.RestartPolicy.parse(restart),
                    bytes(memory), (long) (cpus * 1e9), pidsLimit, autoRemove);
            return new ContainerService.CreateRequest(name, image, config, host);
        }

        static long bytes(String text) {
            if (text == null) {
                return 0;
            }
            var m = java.util.regex.Pattern.compile("(\\d+)([bkmg]?)", java.util.regex.Pattern.CASE_INSENSITIVE).matcher(text);
            if (!m.matches()) {
                throw EngineException.invalid("invalid size: '" + text + "' (want e.g. 64m or 1g)");
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2).toLowerCase()) {
                case "k" -> n << 10;
                case "m" -> n << 20;
                case "g" -> n << 30;
                default -> n;
            };
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
            main.out.println(main.engine().containers().create(options.request()).id());
            return 0;
        }
    }

    @Command(name = "run", description = "Create and start a container; without -d, print its output and exit with its status")
    static final class Run implements Callable<Integer> {
        @ParentCommand
        Main main;
        @Mixin
        CreateOptions options;
        @Option(names = {"-d", "--detach"})
        boolean detach;

        @Override
        public Integer call() {
            ContainerService containers = main.engine().containers();
            boolean remove = options.autoRemove;
            options.autoRemove = false;
            Container c = containers.create(options.request());
            containers.start(c.id());
            if (detach) {
                main.out.println(c.id());
                return 0;
            }
            containers.logs(c.id(), true, -1, main.out, main.err);
            int code = containers.await(c.id(), ContainerService.WaitCondition.NOT_RUNNING);
            if (remove) {
                containers.remove(c.id(), true);
            }
            return code;
        }
    }

    /** The commands that act on each named container in turn and print its name, as docker does. */
    abstract static class EachContainer implements Callable<Integer> {
        @ParentCommand
        Main main;
        @Parameters(arity = "1..*")
        List<String> names;

        abstract void apply(ContainerService containers, String name);

        @Override
        public Integer call() {
            names.forEach(n -> {
                apply(main.engine().containers(), n);
                main.out.println(n);
            });
            return 0;
        }
    }

    @Command(name = "start", description = "Start containers")
    static final class Start extends EachContainer {
        @Override
        void apply(ContainerService containers, String name) {
            containers.start(name);
        }
    }

    @Command(name = "stop", description = "Stop containers: the stop signal, then SIGKILL after the timeout")
    static final class Stop extends EachContainer {
        @Option(names = {"-t", "--time"}, defaultValue = "10")
        int timeout;

        @Override
        void apply(ContainerService containers, String name) {
            containers.stop(name, timeout);
        }
    }

    @Command(name = "kill", description = "Signal containers")
    static final class Kill extends EachContainer {
        @Option(names = {"-s", "--signal"}, defaultValue = "KILL")
        String signal;

        @Override
        void apply(ContainerService containers, String name) {
            containers.kill(name, signal);
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
            names.forEach(n -> main.out.println(main.engine().containers().await(n, ContainerService.WaitCondition.NOT_RUNNING)));
            return 0;
        }
    }

    @Command(name = "rm", description = "Remove containers")
    static final class Rm extends EachContainer {
        @Option(names = {"-f", "--force"})
        boolean force;

        @Override
        void apply(ContainerService containers, String name) {
            containers.remove(name, force);
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
        @Parameters(index = "0")
        String name;

        @Override
        public Integer call() {
            main.engine().containers().logs(name, follow, tail, main.out, main.err);
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

        @Override
        public Integer call() {
            List<Container> list = main.engine().containers().list(all);
            if (!quiet) {
                main.out.printf("%-14s %-28s %-30s %-20s %s%n", "CONTAINER ID", "IMAGE", "COMMAND", "STATUS", "NAMES");
            }
            for (Container c : list) {
                if (quiet) {
                    main.out.println(c.shortId());
                    continue;
                }
                List<String> args = new ArrayList<>();
                if (c.config().entrypoint() != null) {
                    args.addAll(c.config().entrypoint());
                }
                if (c.config().cmd() != null) {
                    args.addAll(c.config().cmd());
                }
                String command = String.join(" ", args);
                String status = c.state().running() ? "Up" : c.state().status().equals("created") ? "Created"
                        : "Exited (" + c.state().exitCode() + ")";
                if (c.state().health() != null) {
                    status += " (" + c.state().health().status() + ")";
                }
                main.out.printf("%-14s %-28s %-30s %-20s %s%n", c.shortId(), c.imageName(),
                        "\"" + (command.length() > 26 ? command.substring(0, 26) + "…" : command) + "\"", status, c.name());
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
        @Parameters(index = "0")
        String name;
        @Parameters(index = "1..*", arity = "1..*")
        List<String> command;

        @Override
        public Integer call() {
            return main.engine().containers().exec(name, command, env, user, main.out, main.err);
        }
    }
}
