package shop.engine.cli;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine;
import shop.engine.Engine;
import shop.engine.client.EngineClients;
import shop.engine.client.EngineRequests;
import shop.engine.fig.FigException;
import shop.engine.support.EngineException;

/**
 * The {@code shop-engine} command. Each subcommand only translates arguments into calls on the
 * engine's parts and their results into text; the logic lives in the packages.
 */
@Command(name = "shop-engine", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, version = "shop-engine 0.1",
        description = "Builds images from Dockerfiles and runs them as containers on crun.",
        subcommands = {ImageCommands.Images.class, ImageCommands.Inspect.class, ImageCommands.Tag.class,
                ImageCommands.Rmi.class, ImageCommands.Import.class, ImageCommands.Save.class, ImageCommands.Load.class,
                ContainerCommands.Create.class, ContainerCommands.Run.class, ContainerCommands.Start.class,
                ContainerCommands.Stop.class, ContainerCommands.Kill.class, ContainerCommands.Wait.class,
                ContainerCommands.Rm.class, ContainerCommands.Logs.class, ContainerCommands.Ps.class,
                ContainerCommands.Exec.class, BuildCommand.class, ServeCommand.class,
                RegistryCommands.Pull.class, RegistryCommands.Push.class, RegistryCommands.Login.class,
                FigCommand.class, ReaperCommand.class})
public final class Main {

    @Option(names = "--root", description = "State directory (default: $SHOP_ENGINE_ROOT or /var/lib/shop-engine)")
    Path root;

    @Option(names = "--runtime", defaultValue = "crun", description = "OCI runtime: crun or runc, for an engine this command opens or starts (default: ${DEFAULT-VALUE})")
    String runtime;

    @Option(names = {"-H", "--host"}, description = "Engine API to use for containers, e.g. unix:///path/engine.sock "
            + "(default: $DOCKER_HOST, else the state directory's engine, started when none answers)")
    String host;

    private Engine engine;
    private String apiHost;
    private DockerClient docker;
    private EngineRequests requests;
    PrintStream out;
    PrintStream err;

    Engine engine() {
        if (engine == null) {
            engine = Engine.open(state(), runtime);
        }
        return engine;
    }

    /** The engine's API, which container and image commands go through so the daemon supervises what they start. */
    DockerClient docker() {
        if (docker == null) {
            docker = EngineClients.connect(apiHost());
        }
        return docker;
    }

    /** The same API in plain requests, where the bodies matter as the engine wrote them. */
    EngineRequests requests() {
        if (requests == null) {
            requests = new EngineRequests(apiHost());
        }
        return requests;
    }

    private String apiHost() {
        if (apiHost == null) {
            apiHost = host != null ? host : EngineClients.host(state(), runtime);
        }
        return apiHost;
    }

    Path state() {
        return root != null ? root : Engine.defaultState();
    }

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err));
    }

    /** Runs one command line; engine errors become "Error: ..." on stderr and exit status 1. */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        Main main = new Main();
        main.out = out;
        main.err = err;
        CommandLine cli = new CommandLine(main);
        // As docker does: options end at the first positional, so "run IMAGE sh -c ..." keeps its -c.
        cli.setStopAtPositional(true);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("Error: " + message(e));
            return 1;
        });
        try {
            return cli.execute(args);
        } finally {
            if (main.engine != null) {
                main.engine.containers().close();
            }
            for (java.io.Closeable client : new java.io.Closeable[] {main.docker, main.requests}) {
                if (client != null) {
                    try {
                        client.close();
                    } catch (java.io.IOException ignored) {
                        // The command's outcome is decided; a failed close changes nothing for the user.
                    }
                }
            }
        }
    }

    /** What the user should read: the engine's message, or the API's {"message": ...} out of docker-java's "Status 404: {...}". */
    static String message(Exception e) {
        if (e instanceof EngineException || e instanceof FigException) {
            return e.getMessage();
        }
        if (e instanceof DockerException docker) {
            return FigException.engineMessage(docker);
        }
        return e.toString();
    }
}
