package shop.engine.container;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import shop.engine.image.ContainerConfig;
import shop.engine.runtime.Cgroups;
import shop.engine.runtime.OciRuntime;
import shop.engine.runtime.ResourceUsage;
import shop.engine.support.EngineException;
import shop.engine.task.Tasks;

/**
 * What runs in a running container: execs (a healthcheck's probe is one), its processes as
 * {@code docker top} lists them, and what they use.
 */
final class ContainerProcesses {

    private final ContainerRecords records;
    private final ContainerExits exits;
    private final Tasks tasks;

    ContainerProcesses(ContainerRecords records, ContainerExits exits, Tasks tasks) {
        this.records = records;
        this.exits = exits;
        this.tasks = tasks;
    }

    /**
     * Runs the request in the container, with its capabilities, limits and no-new-privileges, its
     * environment (HOSTNAME included) under the request's, as its user unless the request names one.
     */
    int exec(String idOrName, ContainerService.ExecRequest request, InputStream stdin, OutputStream stdout,
             OutputStream stderr, Duration timeout, OciRuntime.ExecTerminal terminal) {
        Container c = exits.refresh(records.find(idOrName));
        if (!c.state().running()) {
            throw EngineException.conflict("Container " + c.shortId() + " is not running");
        }
        if (c.state().paused()) {
            throw EngineException.conflict("Container " + c.shortId() + " is paused, unpause the container before exec");
        }
        if (request.cmd() == null || request.cmd().isEmpty()) {
            throw EngineException.invalid("exec: no command specified");
        }
        String workdir = notEmpty(request.workingDir()) ? request.workingDir() : c.config().workingDir();
        if (!workdir.startsWith("/")) {
            throw EngineException.invalid("WorkingDir: \"" + workdir + "\" must be an absolute path");
        }
        Path dir = records.dir(c.id());
        List<String> env = ContainerConfig.mergeEnv(ContainerConfig.mergeEnv(c.config().env(),
                List.of("HOSTNAME=" + EtcFiles.hostnameOf(dir, c))), request.env());
        Tasks.Exec exec = new Tasks.Exec(request.cmd(), env, workdir, notEmpty(request.user()) ? request.user() : c.config().user(),
                c.hostConfig().groupAdd(), request.privileged());
        return tasks.exec(c.id(), dir.resolve("bundle"), exec, stdin, stdout, stderr, timeout, terminal);
    }

    /** Runs a healthcheck's command with its timeout; one that cannot run fails. */
    int probe(String id, List<String> cmd, Duration timeout) {
        Container c = records.findOrNull(id);
        if (c == null || !exits.refresh(c).state().running()) {
            return 1;
        }
        ByteArrayOutputStream ignored = new ByteArrayOutputStream();
        try {
            return exec(id, new ContainerService.ExecRequest(cmd, List.of(), null, null), null, ignored, ignored, timeout, null);
        } catch (EngineException e) {
            return 1;
        }
    }

    ContainerService.Processes top(String idOrName, String psArgs) {
        Container c = exits.refresh(records.find(idOrName));
        if (!c.state().running()) {
            throw EngineException.conflict("Container " + c.shortId() + " is not running");
        }
        return ProcessTable.top(c, psArgs);
    }

    /** A reading of the container's use now; null when it does not run. */
    ResourceUsage stats(String idOrName) {
        Container c = exits.refresh(records.find(idOrName));
        if (!c.state().running()) {
            return null;
        }
        return Cgroups.usage(c.id(), c.state().pid());
    }

    private static boolean notEmpty(String s) {
        return s != null && !s.isEmpty();
    }
}
