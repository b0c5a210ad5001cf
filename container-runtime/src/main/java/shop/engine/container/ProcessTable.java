package shop.engine.container;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import shop.engine.runtime.Cgroups;
import shop.engine.support.EngineException;
import shop.engine.support.HostCommands;

/**
 * The host's {@code ps} output cut down to one container's processes, as {@code docker top}
 * shows it: the title line split into columns, then each row of a pid in the container, its
 * last column (the command) kept whole with its spaces.
 */
final class ProcessTable {

    private ProcessTable() {
    }

    /** {@code ps} with the client's arguments ({@code -ef} when none), cut down to the container's processes. */
    static ContainerService.Processes top(Container c, String psArgs) {
        List<Long> pids = Cgroups.processes(c.id());
        List<String> args = new ArrayList<>(List.of("ps"));
        args.addAll(List.of((psArgs == null || psArgs.isBlank() ? "-ef" : psArgs).strip().split("\\s+")));
        String output;
        try {
            output = HostCommands.run(args, null, "top of " + c.shortId());
        } catch (EngineException e) {
            throw EngineException.invalid("top: ps " + String.join(" ", args.subList(1, args.size())) + ": " + e.getMessage());
        }
        return parse(output, pids);
    }

    static ContainerService.Processes parse(String psOutput, List<Long> pids) {
        String[] lines = psOutput.split("\n");
        if (lines.length == 0 || lines[0].isBlank()) {
            throw EngineException.invalid("top: ps printed nothing");
        }
        List<String> titles = Arrays.asList(lines[0].strip().split("\\s+"));
        int pidColumn = titles.indexOf("PID");
        if (pidColumn < 0) {
            throw EngineException.invalid("top: Couldn't find PID field in ps output (ps arguments must show it)");
        }
        List<List<String>> rows = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            List<String> fields = Arrays.asList(lines[i].strip().split("\\s+", titles.size()));
            if (fields.size() > pidColumn && fields.get(pidColumn).matches("\\d+")
                    && pids.contains(Long.parseLong(fields.get(pidColumn)))) {
                rows.add(List.copyOf(fields));
            }
        }
        return new ContainerService.Processes(titles, rows);
    }
}
