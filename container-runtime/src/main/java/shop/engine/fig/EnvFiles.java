package shop.engine.fig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.NodeTuple;

/**
 * Files of {@code KEY=VALUE} lines: the {@code .env} beside the stack's file and a service's
 * {@code env_file}. Blank lines and {@code #} comments are skipped, one pair of surrounding
 * quotes is dropped, and nothing is substituted, as compose reads them.
 */
final class EnvFiles {

    private EnvFiles() {
    }

    /** A service's env_file (one path or a list, relative to the stack's directory), later files winning. */
    static Map<String, String> read(NodeTuple envFile, String key, Path directory, NodeReader nodes) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (String name : nodes.strings(envFile, key)) {
            Path file = directory.resolve(name).normalize();
            if (!Files.isRegularFile(file)) {
                throw nodes.error(envFile.getValueNode(), key, "no file " + file);
            }
            environment.putAll(parse(file));
        }
        return environment;
    }

    static Map<String, String> parse(Path file) {
        Map<String, String> variables = new LinkedHashMap<>();
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int eq = line.indexOf('=');
                if (eq <= 0) {
                    throw new FigException(file + ":" + (i + 1) + ": want KEY=VALUE, got \"" + line + "\"");
                }
                String value = line.substring(eq + 1).strip();
                if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
                    value = value.substring(1, value.length() - 1);
                }
                variables.put(line.substring(0, eq).strip(), value);
            }
        } catch (IOException e) {
            throw new FigException("read " + file + ": " + e.getMessage(), e);
        }
        return variables;
    }
}
