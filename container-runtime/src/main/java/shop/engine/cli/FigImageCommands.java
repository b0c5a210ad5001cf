package shop.engine.cli;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import shop.engine.fig.FigException;
import shop.engine.fig.FigFile;
import shop.engine.fig.Stack;
import shop.engine.fig.StackWatch;

/** fig's commands on the services' images and their releases: build, watch, push, pull, deploy, releases. */
final class FigImageCommands {

    private FigImageCommands() {
    }

    @Command(name = "build", description = "Build the services' images")
    static final class Build extends FigCommand.Sub {
        @Option(names = "--no-cache")
        boolean noCache;
        @Parameters
        List<String> services = List.of();

        @Override
        public Integer call() {
            Stack stack = fig.stack();
            stack.select(services).forEach(s -> stack.build(s, noCache));
            return 0;
        }
    }

    @Command(name = "watch", description = "Bring the stack up, then rebuild a service and replace its containers on each"
            + " change under its develop.watch paths")
    static final class Watch extends FigCommand.Sub {
        @Option(names = "--no-up", description = "Do not bring the stack up first")
        boolean noUp;
        @Parameters
        List<String> services = List.of();

        @Override
        public Integer call() throws IOException, InterruptedException {
            FigFile file = fig.generatingSecrets().file();
            services.forEach(file.project()::service);
            List<String> watched = file.watch().services(services);
            if (!noUp) {
                Stack stack = fig.stack();
                stack.up(services, new Stack.UpOptions(false, false, Stack.Recreate.CHANGED));
                stack.announce();
            }
            Stack rebuilding = new Stack(fig.main.docker(), file.project(), fig.main.out, file.watch().buildArgs());
            new StackWatch(rebuilding, file.project(), file.watch(), fig.main.out).run(watched);
            return 0;
        }
    }

    @Command(name = "push", description = "Push the services' built images")
    static final class Push extends FigCommand.OnServices {
        @Override
        void apply(Stack stack) {
            stack.push(services);
        }
    }

    @Command(name = "pull", description = "Pull the services' images")
    static final class Pull extends FigCommand.OnServices {
        @Override
        void apply(Stack stack) {
            stack.pull(services);
        }
    }

    @Command(name = "deploy", description = "Release a service: a new build, or an earlier release, without a failed request")
    static final class Deploy extends FigCommand.Sub {
        @ArgGroup(exclusive = true)
        Earlier earlier;
        @Option(names = "--canary", paramLabel = "SECONDS", defaultValue = "30",
                description = "How long old and new replicas serve side by side before Prometheus' figures judge the new ones; "
                        + "0: none (default: ${DEFAULT-VALUE})")
        int canarySeconds;
        @Parameters(index = "0")
        String service;

        static final class Earlier {
            @Option(names = "--rollback", required = true, description = "Back to the last good release before the one serving")
            boolean rollback;
            @Option(names = "--to", required = true, paramLabel = "VERSION", description = "An earlier release, by its version (fig releases)")
            String version;
        }

        @Override
        public Integer call() {
            if (canarySeconds < 0) {
                throw new FigException("--canary " + canarySeconds + ": the canary is a number of seconds, 0 or more");
            }
            Duration canary = Duration.ofSeconds(canarySeconds);
            Stack stack = fig.generatingSecrets().stack();
            if (earlier == null) {
                stack.deploy(service, canary);
            } else if (earlier.rollback) {
                stack.rollBack(service, canary);
            } else {
                stack.deploy(service, earlier.version, canary);
            }
            return 0;
        }
    }

    @Command(name = "releases", description = "A service's releases by fig deploy, oldest first")
    static final class Releases extends FigCommand.Sub {
        @Parameters(index = "0")
        String service;

        @Override
        public Integer call() {
            List<List<String>> releases = fig.stack().releases(service);
            String format = "%-40s %-19s %-20s %-10s %s%n";
            fig.main.out.printf(format, "VERSION", "IMAGE", "DEPLOYED", "BY", "OUTCOME");
            releases.forEach(r -> fig.main.out.printf(format, r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)));
            return 0;
        }
    }
}
