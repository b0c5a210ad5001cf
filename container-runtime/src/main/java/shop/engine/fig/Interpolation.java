package shop.engine.fig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Compose's variable substitution in values: {@code $VAR}, {@code ${VAR}}, {@code ${VAR:-default}}
 * (unset or empty), {@code ${VAR-default}} (unset), and {@code $$} for a literal dollar. An unset
 * variable without a default is empty, with a warning. Hand-written: the rules are compose's own,
 * neither a shell's nor a template engine's.
 */
final class Interpolation {

    private final Map<String, String> variables;
    private final Consumer<String> warnings;

    Interpolation(Map<String, String> variables, Consumer<String> warnings) {
        this.variables = variables;
        this.warnings = warnings;
    }

    /** The process environment over a {@code .env} file beside the stack's file. */
    static Map<String, String> variables(Path dotEnv, Map<String, String> environment) {
        Map<String, String> variables = new LinkedHashMap<>();
        if (Files.isRegularFile(dotEnv)) {
            variables.putAll(EnvFiles.parse(dotEnv));
        }
        variables.putAll(environment);
        return variables;
    }

    /** Substitutes; {@code where} ("fig.yml:12") names the place in errors and warnings. */
    String apply(String text, String where) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '$' || i + 1 >= text.length()) {
                out.append(c);
                continue;
            }
            char next = text.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i++;
            } else if (next == '{') {
                int close = text.indexOf('}', i + 2);
                if (close < 0) {
                    throw new FigException(where + ": invalid interpolation format in \"" + text + "\": a ${ without its }");
                }
                out.append(braced(text.substring(i + 2, close), text, where));
                i = close;
            } else if (Character.isLetter(next) || next == '_') {
                int end = i + 1;
                while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) {
                    end++;
                }
                out.append(lookup(text.substring(i + 1, end), where));
                i = end - 1;
            } else {
                throw new FigException(where + ": invalid interpolation format in \"" + text + "\": write $$ for a literal $");
            }
        }
        return out.toString();
    }

    private String braced(String inner, String text, String where) {
        int colonDash = inner.indexOf(":-");
        int dash = inner.indexOf('-');
        String name;
        String fallback = null;
        boolean emptyCounts = false;
        if (colonDash > 0 && (dash < 0 || colonDash < dash)) {
            name = inner.substring(0, colonDash);
            fallback = inner.substring(colonDash + 2);
            emptyCounts = true;
        } else if (dash > 0) {
            name = inner.substring(0, dash);
            fallback = inner.substring(dash + 1);
        } else {
            name = inner;
        }
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new FigException(where + ": invalid interpolation format in \"" + text + "\": \"" + name + "\" is not a variable name");
        }
        String value = variables.get(name);
        if (fallback != null && (value == null || (emptyCounts && value.isEmpty()))) {
            return fallback;
        }
        return value != null ? value : lookup(name, where);
    }

    private String lookup(String name, String where) {
        String value = variables.get(name);
        if (value == null) {
            warnings.accept(where + ": the " + name + " variable is not set; substituting an empty string");
            return "";
        }
        return value;
    }
}
