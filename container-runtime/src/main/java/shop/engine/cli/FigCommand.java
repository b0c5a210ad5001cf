package shop.engine.cli;

import com.github.dockerjava.api.model.Container;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import shop.engine.dockerfile.ShellWords;
import shop.engine.fig.FigException;
import shop.engine.fig.FigFile;
import shop.engine.fig.KubernetesManifests;
import shop.engine.fig.Signals;
import shop.engine.fig.Stack;
import shop.engine.support.EngineException;
import shop.engine.terminal.LocalTerminal;

/**
 * {@code fig}: the stack in fig.yml, on the engine {@link Main#docker()} reaches (the bundled one
 * by default, DOCKER_HOST's otherwise). Each subcommand loads the file, then acts through
 * {@link Stack}; file errors name the file, line and key.
 */
@Command(name = "fig", description = "Run the stack described in fig.yml",
        subcommands = {FigCommand.Up.class, FigCommand.Down.class, FigCommand.Ps.class, FigCommand.Logs.class,
                FigImageCommands.Build.class, FigImageCommands.Watch.class, FigCommand.Config.class, FigCommand.Scale.class, FigCommand.Start.class,
                FigCommand.Stop.class, FigCommand.Restart.class, FigCommand.Kill.class, FigCommand.Rm.class,
                FigCommand.Run.class, FigCommand.Exec.class, FigCommand.Port.class, FigImageCommands.Push.class,
                FigImageCommands.Pull.class, FigImageCommands.Deploy.class, FigImageCommands.Releases.class,
                FigCommand.Convert.class, FigCommand.Secrets.class})
final class FigCommand {

    @ParentCommand
    Main main;

    @Option(names = {"-f", "--file"}, description = "The stack's file (default: fig.yml, else docker-compose.yml)")
    Path file;

    @Option(names = {"-p", "--project-name"}, description = "Prefix of every container, network and volume (default: the file's folder)")
    String projectName;

    @Option(names = "--profile", description = "Enable services of this profile (also $COMPOSE_PROFILES)")
    List<String> profiles;

    private FigFile loaded;
    /** Set by the commands that create containers or manifests, which need the stack's secrets made. */
    private boolean generateSecrets;

    FigFile file() {
        if (loaded == null) {
            Path chosen = file != null ? file
                    : Files.exists(Path.of("fig.yml")) ? Path.of("fig.yml") : Path.of("docker-compose.yml");
            if (!Files.exists(chosen)) {
                throw new FigException("no " + chosen + " here; name the stack's file with -f");
            }
            List<String> enabled = profiles == null ? List.of() : profiles;
            loaded = generateSecrets ? FigFile.loadGeneratingSecrets(chosen, projectName, enabled, System.getenv())
                    : FigFile.load(chosen, projectName, enabled, System.getenv());
            loaded.warnings().forEach(w -> main.err.println("WARNING: " + w));
            loaded.secretsNotice().forEach(main.out::println);
        }
        return loaded;
    }

    FigCommand generatingSecrets() {
        generateSecrets = true;
        return this;
    }

    Stack stack() {
        return new Stack(main.docker(), file().project(), main.out);
    }

    boolean colour() {
        return System.console() != null && System.getenv("NO_COLOR") == null;
    }

    /** The parent of every subcommand, and what they share. */
    abstract static class Sub implements Callable<Integer> {
        @ParentCommand
        FigCommand fig;
    }

    /** The commands that act on the named services (all when none is named). */
    abstract static class OnServices extends Sub {
        @Parameters
        List<String> services = List.of();

        abstract void apply(Stack stack);

        @Override
        public Integer call() {
            apply(fig.stack());
            return 0;
        }
    }

    @Command(name = "up", description = "Build, create and start the stack; without -d, follow its logs until Ctrl-C stops it")
    static final class Up extends Sub {
        @Option(names = {"-d", "--detach"})
        boolean detach;
        @Option(names = "--build")
        boolean build;
        @Option(names = "--no-deps")
        boolean noDeps;
        @ArgGroup(exclusive = true)
        Recreating recreating;
        @Parameters
        List<String> services = List.of();

        static final class Recreating {
            @Option(names = "--no-recreate", required = true, description = "Keep running containers even when they changed")
            boolean never;
            @Option(names = "--force-recreate", required = true, description = "Replace running containers even when nothing changed")
            boolean always;
        }

        @Override
        public Integer call() throws InterruptedException {
            Stack stack = fig.generatingSecrets().stack();
            Stack.Recreate recreate = recreating == null ? Stack.Recreate.CHANGED
                    : recreating.never ? Stack.Recreate.NEVER : Stack.Recreate.ALWAYS;
            Stack.UpOptions options = new Stack.UpOptions(build, noDeps, recreate);
            stack.up(services, options);
            stack.announce();
            stack.pushToStackRegistry(services, options);
            if (!detach) {
                stack.attach(fig.colour());
            }
            return 0;
        }
    }

    @Command(name = "down", description = "Stop and remove the containers and networks (with -v, the volumes)")
    static final class Down extends Sub {
        @Option(names = {"-v", "--volumes"})
        boolean volumes;

        @Mixin
        StopTimeout timeout;

        @Override
        public Integer call() {
            fig.stack().down(volumes, timeout.seconds());
            return 0;
        }
    }

    @Command(name = "ps", description = "The stack's containers: name, state, health, ports")
    static final class Ps extends Sub {
        @Override
        public Integer call() {
            List<List<String>> rows = fig.stack().ps();
            String format = "%-32s %-12s %-10s %s%n";
            fig.main.out.printf(format, "NAME", "STATE", "HEALTH", "PORTS");
            rows.forEach(r -> fig.main.out.printf(format, r.get(0), r.get(1), r.get(2), r.get(3)));
            return 0;
        }
    }

    @Command(name = "logs", description = "The services' output, prefixed with the container's name")
    static final class Logs extends Sub {
        @Option(names = {"-f", "--follow"}, description = "Follow until the containers stop")
        boolean follow;
        @Option(names = {"-t", "--timestamps"}, description = "Each line after the time it was written")
        boolean timestamps;
        @Option(names = "--tail", defaultValue = "all", description = "The last N lines of each container, or all")
        String tail;
        @Option(names = "--no-color", description = "No colour per container")
        boolean noColour;
        @Parameters
        List<String> services = List.of();

        @Override
        public Integer call() throws InterruptedException {
            if (!tail.equals("all") && !tail.matches("\\d{1,9}")) {
                throw new FigException("logs --tail " + tail + ": want a number of lines or all");
            }
            Stack.LogOptions options = new Stack.LogOptions(follow, tail.equals("all") ? null : Integer.valueOf(tail), timestamps);
            fig.stack().logs(services, options, fig.colour() && !noColour);
            return 0;
        }
    }

    @Command(name = "config", description = "Print the resolved file")
    static final class Config extends Sub {
        @Option(names = {"-q", "--quiet"}, description = "Only check the file: an error and exit 1 when it is not valid")
        boolean quiet;

        @Option(names = "--services", description = "Print the services' names, one a line")
        boolean services;

        @Override
        public Integer call() {
            FigFile file = fig.file();
            if (services) {
                file.project().services().forEach(s -> fig.main.out.println(s.name()));
            } else if (!quiet) {
                fig.main.out.print(file.render());
            }
            return 0;
        }
    }

    @Command(name = "secrets", description = "Make the stack's secrets and service certificates that are missing or due for"
            + " renewal, without touching a container; print where they are kept")
    static final class Secrets extends Sub {
        @Override
        public Integer call() {
            FigFile file = fig.generatingSecrets().file();
            fig.main.out.println(file.secretsFile());
            fig.main.out.println(file.certificatesFolder());
            return 0;
        }
    }

    @Command(name = "scale", description = "Run N containers of a service: SERVICE=N ...")
    static final class Scale extends Sub {
        @Parameters(arity = "1..*")
        List<String> targets;

        @Override
        public Integer call() {
            Stack stack = fig.generatingSecrets().stack();
            for (String target : targets) {
                String[] parts = target.split("=", 2);
                if (parts.length != 2 || !parts[1].matches("\\d+")) {
                    throw new FigException("scale: \"" + target + "\" is not SERVICE=NUMBER");
                }
                stack.scale(parts[0], Integer.parseInt(parts[1]));
            }
            return 0;
        }
    }

    @Command(name = "start", description = "Start the services' stopped containers")
    static final class Start extends OnServices {
        @Override
        void apply(Stack stack) {
            stack.start(services);
        }
    }

    /** The grace before SIGKILL that stop, restart and down take, as compose's -t. */
    static final class StopTimeout {
        @Option(names = {"-t", "--timeout"}, description = "Seconds between the stop signal and SIGKILL "
                + "(default: the service's stop_grace_period, else 10)")
        Integer timeout;

        /** The seconds given, or null for each service's own. */
        Integer seconds() {
            if (timeout != null && timeout < 0) {
                throw new FigException("-t " + timeout + ": the timeout is a number of seconds, 0 or more");
            }
            return timeout;
        }
    }

    @Command(name = "stop", description = "Stop the services' containers")
    static final class Stop extends OnServices {
        @Mixin
        StopTimeout timeout;

        @Override
        void apply(Stack stack) {
            stack.stop(services, timeout.seconds());
        }
    }

    @Command(name = "restart", description = "Stop, then start the services' containers")
    static final class Restart extends OnServices {
        @Mixin
        StopTimeout timeout;

        @Override
        void apply(Stack stack) {
            stack.stop(services, timeout.seconds());
            stack.start(services);
        }
    }

    @Command(name = "kill", description = "Send the services' running containers a signal")
    static final class Kill extends OnServices {
        @Option(names = {"-s", "--signal"}, defaultValue = "SIGKILL", description = "The signal (default: SIGKILL)")
        String signal;

        @Override
        void apply(Stack stack) {
            stack.kill(services, Signals.parse(signal));
        }
    }

    @Command(name = "rm", description = "Remove the services' stopped containers, after asking unless -f")
    static final class Rm extends Sub {
        @Option(names = {"-f", "--force"}, description = "Do not ask")
        boolean force;
        @Option(names = {"-s", "--stop"}, description = "Stop the running containers first and remove them too")
        boolean stop;
        @Option(names = "-v", description = "Remove their anonymous volumes too")
        boolean volumes;
        @Parameters
        List<String> services = List.of();

        @Override
        public Integer call() throws IOException {
            Stack stack = fig.stack();
            List<Container> containers = stack.removable(services, stop);
            if (containers.isEmpty()) {
                fig.main.out.println("No stopped containers");
                return 0;
            }
            fig.main.out.println("Going to remove " + String.join(", ", containers.stream().map(Stack::name).toList()));
            if (!force) {
                fig.main.out.print("Are you sure? [yN] ");
                fig.main.out.flush();
                String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                if (answer == null || !answer.strip().toLowerCase().matches("y|yes")) {
                    return 0;
                }
            }
            stack.remove(containers, volumes);
            return 0;
        }
    }

    @Command(name = "run", description = "Run a one-off command in a new container of a service; exits with its status")
    static final class Run extends Sub {
        @Option(names = "--rm", description = "Remove the container when it ends")
        boolean remove;
        @Option(names = "-e", description = "KEY=VALUE, or KEY to pass this environment's value")
        List<String> environment = List.of();
        @Option(names = "--entrypoint", description = "Another entrypoint, split as a shell would")
        String entrypoint;
        @Option(names = "--no-deps", description = "Do not start the services it depends on")
        boolean noDeps;
        @Option(names = "--service-ports", description = "Publish the service's ports, which a one-off otherwise does not")
        boolean servicePorts;
        @Option(names = "-T", description = "No terminal (the default when stdin is not one)")
        boolean noTty;
        @Parameters(index = "0")
        String service;
        @Parameters(index = "1..*")
        List<String> command = List.of();

        @Override
        public Integer call() throws InterruptedException {
            Map<String, String> variables = new LinkedHashMap<>();
            for (String item : environment) {
                int eq = item.indexOf('=');
                if (eq == 0 || item.isEmpty()) {
                    throw new FigException("run -e \"" + item + "\": want KEY=VALUE or KEY");
                }
                String value = eq > 0 ? item.substring(eq + 1) : System.getenv(item);
                if (value != null) {
                    variables.put(eq > 0 ? item.substring(0, eq) : item, value);
                }
            }
            boolean tty = !noTty && LocalTerminal.stdinIsTerminal();
            return fig.generatingSecrets().stack().run(service, new Stack.RunOptions(command, entrypoint(), variables, noDeps, servicePorts, tty, remove));
        }

        private List<String> entrypoint() {
            if (entrypoint == null) {
                return null;
            }
            try {
                return ShellWords.split(entrypoint, '\\');
            } catch (EngineException e) {
                throw new FigException("run --entrypoint " + entrypoint + ": " + e.getMessage());
            }
        }
    }

    @Command(name = "exec", description = "Run a command in a service's running container; exits with its status")
    static final class Exec extends Sub {
        @Option(names = "--index", defaultValue = "1")
        int index;
        @Option(names = "-T", description = "No terminal (the default when stdin is not one)")
        boolean noTty;
        @Parameters(index = "0")
        String service;
        @Parameters(index = "1..*", arity = "1..*")
        List<String> command;

        @Override
        public Integer call() throws InterruptedException {
            return fig.stack().exec(service, index, command, !noTty && LocalTerminal.stdinIsTerminal());
        }
    }

    @Command(name = "port", description = "The host address a service's port is published on")
    static final class Port extends Sub {
        @Option(names = "--index", defaultValue = "1")
        int index;
        @Parameters(index = "0")
        String service;
        @Parameters(index = "1")
        int port;

        @Override
        public Integer call() {
            fig.main.out.println(fig.stack().port(service, port, index));
            return 0;
        }
    }

    @Command(name = "convert", description = "Write the stack as another platform's objects: Kubernetes manifests")
    static final class Convert extends Sub {
        @Option(names = "--to", required = true, description = "The platform: kubernetes")
        String to;
        // A String, not a Path: a Path drops the trailing slash that says "a directory, make it".
        @Option(names = {"-o", "--out"},
                description = "A directory (one file per object; with a trailing / it is made if missing) or a file (default: stdout)")
        String out;

        @Override
        public Integer call() {
            if (!to.equals("kubernetes")) {
                throw new FigException("convert --to " + to + ": unknown platform; the one supported is kubernetes");
            }
            KubernetesManifests manifests = KubernetesManifests.of(fig.generatingSecrets().file().project());
            manifests.warnings().forEach(w -> fig.main.err.println("WARNING: " + w));
            if (out == null) {
                fig.main.out.print(manifests.yaml());
            } else {
                manifests.write(Path.of(out), out.endsWith("/"));
            }
            return 0;
        }
    }
}
