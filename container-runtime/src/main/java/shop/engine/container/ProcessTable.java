package shop.engine.container;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import shop.engine.support.EngineException;

/**
 * The host's {@code ps} output cut down to one container's processes, as {@code docker top}
 * shows it: the title line split into columns, then each row of a pid in the container, its
 * last column (the command) kept whole with its spaces.
 */
final class ProcessTable {

    private ProcessTable() {
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
