package shop.engine.build;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import shop.engine.dockerfile.HealthcheckInstruction;
import shop.engine.dockerfile.Instruction;
import shop.engine.dockerfile.ShellWords;
import shop.engine.image.ContainerConfig;

/**
 * What the instructions that change only the image's run config do to it: ENV, LABEL, WORKDIR,
 * USER, EXPOSE, VOLUME, CMD, ENTRYPOINT, SHELL, STOPSIGNAL and HEALTHCHECK. Each gives the next
 * config and runs nothing; the builder commits it as a step without a layer.
 */
final class ConfigInstructions {

    private ConfigInstructions() {
    }

    /**
     * The config after {@code ins}.
     *
     * @param expanded   the instruction's text with the stage's variables expanded, asked for only by
     *                   the instructions that expand them
     * @param cmdSetHere whether this stage set a CMD already, which a new ENTRYPOINT keeps
     */
    static ContainerConfig apply(Instruction ins, ContainerConfig run, Supplier<String> expanded, char escape,
                                 boolean cmdSetHere) {
        return switch (ins.keyword()) {
            case "ENV" -> {
                Map<String, String> env = new LinkedHashMap<>();
                putEnv(env, run.env() == null ? List.of() : run.env());
                env.putAll(ShellWords.pairs(expanded.get(), escape, true));
                yield run.withEnv(env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
            }
            case "LABEL" -> {
                Map<String, String> labels = new TreeMap<>(run.labels() == null ? Map.of() : run.labels());
                labels.putAll(ShellWords.pairs(expanded.get(), escape, true));
                yield run.withLabels(labels);
            }
            case "WORKDIR" -> {
                String dir = expanded.get().strip();
                yield run.withWorkingDir(Path.of(workingDir(run)).resolve(dir).normalize().toString());
            }
            case "USER" -> run.withUser(expanded.get().strip());
            case "EXPOSE" -> {
                Map<String, Object> ports = new TreeMap<>(run.exposedPorts() == null ? Map.of() : run.exposedPorts());
                for (String port : ShellWords.split(expanded.get(), escape)) {
                    if (!port.matches("\\d+(-\\d+)?(/(tcp|udp|sctp))?")) {
                        throw new IllegalArgumentException("invalid port \"" + port + "\"");
                    }
                    ports.put(port.contains("/") ? port : port + "/tcp", Map.of());
                }
                yield run.withExposedPorts(ports);
            }
            case "VOLUME" -> {
                Map<String, Object> volumes = new TreeMap<>(run.volumes() == null ? Map.of() : run.volumes());
                List<String> paths = ins.isJson() ? ins.json() : ShellWords.split(expanded.get(), escape);
                paths.forEach(v -> volumes.put(v, Map.of()));
                yield run.withVolumes(volumes);
            }
            case "CMD" -> run.withCmd(command(ins, run));
            case "ENTRYPOINT" -> {
                // As Docker: a new ENTRYPOINT drops a CMD inherited from the base image.
                ContainerConfig next = run.withEntrypoint(command(ins, run));
                yield cmdSetHere ? next : next.withCmd(null);
            }
            case "SHELL" -> {
                if (!ins.isJson() || ins.json().isEmpty()) {
                    throw new IllegalArgumentException("SHELL requires the arguments to be in JSON form");
                }
                yield run.withShell(ins.json());
            }
            case "STOPSIGNAL" -> run.withStopSignal(expanded.get().strip());
            case "HEALTHCHECK" -> run.withHealthcheck(HealthcheckInstruction.parse(ins));
            default -> throw new IllegalArgumentException("unsupported instruction");
        };
    }

    /** The exec form as it is; the shell form run by the config's SHELL (/bin/sh -c unless set). */
    static List<String> command(Instruction ins, ContainerConfig run) {
        if (ins.isJson()) {
            return ins.json();
        }
        List<String> shell = new ArrayList<>(run.shell() == null ? List.of("/bin/sh", "-c") : run.shell());
        shell.add(ins.text());
        return shell;
    }

    /** The config's working directory; "/" when it sets none. */
    static String workingDir(ContainerConfig run) {
        return run.workingDir() == null || run.workingDir().isEmpty() ? "/" : run.workingDir();
    }

    /** Adds {@code NAME=value} entries (a bare {@code NAME} as empty) to {@code env}, a later one replacing an earlier. */
    static void putEnv(Map<String, String> env, List<String> entries) {
        for (String e : entries) {
            int eq = e.indexOf('=');
            env.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
        }
    }
}
