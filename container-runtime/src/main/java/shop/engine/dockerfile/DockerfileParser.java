package shop.engine.dockerfile;

import com.fasterxml.jackson.core.type.TypeReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import shop.engine.support.Json;

/**
 * Dockerfile syntax: parser directives ({@code # escape=}), comments, line continuations,
 * instruction keywords, {@code --flags}, and the JSON-array form. Variable substitution and the
 * meaning of each instruction belong to the builder, but for HEALTHCHECK's ({@link HealthcheckInstruction}).
 *
 * <p>Hand-written because no maintained Java library parses Dockerfiles: the grammar is
 * BuildKit's Go parser (moby/buildkit frontend/dockerfile/parser), small and line-oriented.
 */
public final class DockerfileParser {

    static final Set<String> KEYWORDS = Set.of("FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD",
            "COPY", "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL");
    /** Instructions whose arguments may be a JSON array. */
    private static final Set<String> JSON_FORMS = Set.of("RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME");

    private final String file;

    public DockerfileParser(String file) {
        this.file = file;
    }

    public Dockerfile parse(String text) {
        String[] lines = text.split("\r?\n", -1);
        char escape = '\\';
        int first = 0;
        // Parser directives: only at the very top, before any comment, blank line or instruction.
        for (; first < lines.length; first++) {
            var m = java.util.regex.Pattern.compile("^#\\s*([a-zA-Z]+)\\s*=\\s*(\\S+)\\s*$").matcher(lines[first]);
            if (!m.matches()) {
                break;
            }
            if (m.group(1).equalsIgnoreCase("escape")) {
                if (!m.group(2).equals("`") && !m.group(2).equals("\\")) {
                    throw new DockerfileException(file, first + 1, null, "invalid escape token '" + m.group(2) + "': want ` or \\");
                }
                escape = m.group(2).charAt(0);
            }
        }
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder logical = null;
        int start = 0;
        for (int i = first; i < lines.length; i++) {
            String line = lines[i];
            String trimmed = line.strip();
            if (logical == null) {
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                logical = new StringBuilder();
                start = i + 1;
            } else if (trimmed.startsWith("#") || trimmed.isEmpty()) {
                // Comments and empty lines inside a continuation are dropped, as BuildKit does.
                continue;
            }
            String stripped = stripTrailing(line);
            if (!stripped.isEmpty() && stripped.charAt(stripped.length() - 1) == escape) {
                logical.append(stripped, 0, stripped.length() - 1);
                continue;
            }
            logical.append(line);
            instructions.add(instruction(logical.toString(), start));
            logical = null;
        }
        if (logical != null && !logical.toString().isBlank()) {
            instructions.add(instruction(logical.toString(), start));
        }
        return new Dockerfile(file, escape, instructions);
    }

    private static String stripTrailing(String s) {
        int end = s.length();
        while (end > 0 && Character.isWhitespace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    private Instruction instruction(String logical, int line) {
        String text = logical.strip();
        int space = indexOfWhitespace(text);
        String keyword = (space < 0 ? text : text.substring(0, space)).toUpperCase();
        String rest = space < 0 ? "" : text.substring(space).strip();
        if (!KEYWORDS.contains(keyword)) {
            throw new DockerfileException(file, line, null, "unknown instruction: " + keyword);
        }
        if (keyword.equals("ONBUILD")) {
            throw new DockerfileException(file, line, keyword, "ONBUILD is not supported by this engine");
        }
        Map<String, String> flags = new LinkedHashMap<>();
        while (rest.startsWith("--")) {
            int end = indexOfWhitespace(rest);
            String flag = end < 0 ? rest : rest.substring(0, end);
            int eq = flag.indexOf('=');
            flags.put(eq < 0 ? flag.substring(2) : flag.substring(2, eq), eq < 0 ? "true" : flag.substring(eq + 1));
            rest = end < 0 ? "" : rest.substring(end).strip();
        }
        List<String> json = null;
        if (JSON_FORMS.contains(keyword) && rest.startsWith("[")) {
            try {
                json = Json.MAPPER.readValue(rest, new TypeReference<List<String>>() { });
            } catch (Exception notJson) {
                // Not valid JSON: Docker then treats it as the shell form, and so do we.
                json = null;
            }
        }
        if (rest.isEmpty() && !keyword.equals("HEALTHCHECK")) {
            throw new DockerfileException(file, line, keyword, keyword + " requires at least one argument");
        }
        return new Instruction(keyword, flags, rest, json, line, text);
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
