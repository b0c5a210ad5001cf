package shop.engine.fig;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import shop.engine.terminal.TerminalSession;

/**
 * Commands run beside a stack's replicas: {@code run}, a one-off container of a service, and
 * {@code exec}, a command in a running replica. A one-off is named and labelled as compose names
 * and labels one ({@code <project>_<service>_run_<slug>}, {@code oneoff=True}), so neither fig
 * nor compose counts it as a replica, and {@code down} removes it.
 */
final class OneOffs {

    private final Stack stack;
    private final DockerClient docker;
    private final ProjectSpec project;
    private final ContainerCreation creation;
    private final PrintStream out;

    OneOffs(Stack stack, DockerClient docker, ProjectSpec project, ContainerCreation creation, PrintStream out) {
        this.stack = stack;
        this.docker = docker;
        this.project = project;
        this.creation = creation;
        this.out = out;
    }

    /** Starts the service's dependencies (unless noDeps), then the one-off, attached; returns its exit code. */
    int run(String serviceName, Stack.RunOptions options) throws InterruptedException {
        ServiceSpec service = project.service(serviceName);
        if (!options.noDeps() && !service.dependsOn().isEmpty()) {
            stack.up(new ArrayList<>(service.dependsOn().keySet()), new Stack.UpOptions(false, false, Stack.Recreate.NEVER));
        }
        stack.createNetworks();
        stack.images().ensure(service, false);
        String slug = ComposeLabels.newSlug();
        String name = project.name() + "_" + serviceName + "_run_" + slug.substring(0, 12);
        // On the user's terminal, typed into, as compose's run is without -T.
        TerminalSession terminal = options.tty() ? new TerminalSession(docker, out, true) : null;
        String id = creation.create(service, name, ComposeLabels.oneOff(project, service, slug), options, terminal);
        if (terminal != null) {
            terminal.runContainer(id);
        } else {
            docker.startContainerCmd(id).exec();
            try (LogPrinter printer = new LogPrinter(docker, out, false)) {
                printer.raw(id);
                printer.await();
            } catch (IOException e) {
                throw new FigException("following logs: " + e.getMessage(), e);
            }
        }
        int code = docker.waitContainerCmd(id).start().awaitStatusCode(365, TimeUnit.DAYS);
        if (options.remove()) {
            // As compose's run --rm: its anonymous volumes go with it.
            docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
        }
        return code;
    }

    /** Runs a command in a service's running container (the index-th), on the user's terminal with {@code tty}; returns its exit code. */
    int exec(String serviceName, int index, List<String> command, boolean tty) throws InterruptedException {
        project.service(serviceName);
        Container c = stack.containers(serviceName, false).stream().filter(x -> StackContainers.number(x) == index).findFirst()
                .orElseThrow(() -> new FigException("service " + serviceName + " has no running container " + index));
        TerminalSession terminal = tty ? new TerminalSession(docker, out, true) : null;
        var create = docker.execCreateCmd(c.getId()).withCmd(command.toArray(String[]::new))
                .withAttachStdout(true).withAttachStderr(true);
        String exec = (terminal == null ? create : terminal.prepare(create)).exec().getId();
        if (terminal != null) {
            terminal.runExec(exec);
            return exitCode(exec);
        }
        try (LogPrinter printer = new LogPrinter(docker, out, false)) {
            docker.execStartCmd(exec).exec(printer.rawCallback()).awaitCompletion();
        } catch (IOException e) {
            throw new FigException("exec: " + e.getMessage(), e);
        }
        return exitCode(exec);
    }

    private int exitCode(String exec) {
        Long code = docker.inspectExecCmd(exec).exec().getExitCodeLong();
        return code == null ? 0 : code.intValue();
    }
}
