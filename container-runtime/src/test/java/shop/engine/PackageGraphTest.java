package shop.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine's packages, as their sources use each other, form no cycle: each can be read, and
 * changed, knowing only the packages below it. The graph is derived from the code, not declared:
 * every import and fully qualified name of an engine class in {@code src/main/java}, comments and
 * string literals left out (the daemon names the CLI's main class in a string, to start it, and
 * that is no dependency).
 */
class PackageGraphTest {

    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern ENGINE_TYPE = Pattern.compile("\\bshop\\.engine((?:\\.[a-z][a-z0-9_]*)*)\\.(?:[A-Z]\\w*|\\*)");

    @Test
    void theEnginesPackagesDependOnEachOtherWithoutACycle() throws IOException {
        Map<String, Set<String>> graph = graph();
        assertThat(graph).as("packages found under %s", SOURCES.toAbsolutePath()).containsKeys("shop.engine", "shop.engine.support");
        assertThat(cycles(graph)).as("cycles in %s", graph).isEmpty();
    }

    @Test
    void theSharedHelpersUseNoOtherPackageOfTheEngine() throws IOException {
        assertThat(graph().get("shop.engine.support")).isEmpty();
    }

    /** Past this a class holds more than one noun (the split of LocalContainers and ApiHandler showed it). */
    @Test
    void noClassOfTheEngineIsOver450Lines() throws IOException {
        Map<Path, Long> tooLong = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                long lines;
                try (Stream<String> text = Files.lines(file)) {
                    lines = text.count();
                }
                if (lines > 450) {
                    tooLong.put(SOURCES.relativize(file), lines);
                }
            }
        }
        assertThat(tooLong).as("classes over 450 lines").isEmpty();
    }

    /** Each package with the engine packages it uses, itself left out. */
    static Map<String, Set<String>> graph() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = SOURCES.relativize(file.getParent()).toString().replace('/', '.');
                Set<String> uses = graph.computeIfAbsent(pkg, p -> new TreeSet<>());
                Matcher m = ENGINE_TYPE.matcher(code(Files.readString(file)));
                while (m.find()) {
                    String used = "shop.engine" + m.group(1);
                    if (!used.equals(pkg)) {
                        uses.add(used);
                    }
                }
            }
        }
        return graph;
    }

    /** The source without its comments, string and character literals (text blocks included). */
    static String code(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        while (i < source.length()) {
            if (source.startsWith("//", i)) {
                i = indexOrEnd(source, "\n", i);
            } else if (source.startsWith("/*", i)) {
                i = indexOrEnd(source, "*/", i + 2) + 2;
            } else if (source.startsWith("\"\"\"", i)) {
                i = indexOrEnd(source, "\"\"\"", i + 3) + 3;
            } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
                char quote = source.charAt(i++);
                while (i < source.length() && source.charAt(i) != quote) {
                    i += source.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
            } else {
                out.append(source.charAt(i++));
            }
        }
        return out.toString();
    }

    private static int indexOrEnd(String text, String what, int from) {
        int at = text.indexOf(what, from);
        return at < 0 ? text.length() : at;
    }

    /** Every cycle's packages, in order (Tarjan's strongly connected components of more than one package). */
    static List<List<String>> cycles(Map<String, Set<String>> graph) {
        List<List<String>> found = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        for (String start : graph.keySet()) {
            if (!index.containsKey(start)) {
                connect(start, graph, index, low, stack, found);
            }
        }
        return found;
    }

    private static void connect(String node, Map<String, Set<String>> graph, Map<String, Integer> index,
                                Map<String, Integer> low, Deque<String> stack, List<List<String>> found) {
        index.put(node, index.size());
        low.put(node, index.get(node));
        stack.push(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            if (!index.containsKey(next)) {
                connect(next, graph, index, low, stack, found);
                low.put(node, Math.min(low.get(node), low.get(next)));
            } else if (stack.contains(next)) {
                low.put(node, Math.min(low.get(node), index.get(next)));
            }
        }
        if (low.get(node).equals(index.get(node))) {
            List<String> component = new ArrayList<>();
            String member;
            do {
                member = stack.pop();
                component.add(0, member);
            } while (!member.equals(node));
            if (component.size() > 1) {
                found.add(component);
            }
        }
    }
}
