package shop.engine.dockerfile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The Dockerfile's small shell dialect: {@code $VAR}, {@code ${VAR}}, {@code ${VAR:-default}},
 * {@code ${VAR:+alternative}} (outside single quotes), then splitting into words with quotes
 * removed, and {@code key=value} pairs for ENV, LABEL and ARG.
 */
public final class ShellWords {

    private ShellWords() {
    }

    /** Expands variables; quotes stay, so a later split still sees them. Unknown variables are empty. */
    public static String expand(String text, Function<String, String> lookup, char escape) {
        StringBuilder out = new StringBuilder();
        boolean single = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == escape && i + 1 < text.length() && !single) {
                char next = text.charAt(i + 1);
                if (next == '$') {
                    // Keep the escape, so split() turns it into a literal '$' later.
                    out.append(escape).append('$');
                    i++;
                    continue;
                }
                out.append(c).append(next);
                i++;
                continue;
            }
            if (c == '\'') {
                single = !single;
            }
            if (c != '$' || single || i + 1 >= text.length()) {
                out.append(c);
                continue;
            }
            if (text.charAt(i + 1) == '{') {
                int close = text.indexOf('}', i + 2);
                if (close < 0) {
                    throw new IllegalArgumentException("missing '}' in \"" + text + "\"");
                }
                out.append(braced(text.substring(i + 2, close), lookup, escape));
                i = close;
            } else {
                int end = i + 1;
                while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) {
                    end++;
                }
                if (end == i + 1) {
                    out.append(c);
                    continue;
                }
                String value = lookup.apply(text.substring(i + 1, end));
                out.append(value == null ? "" : value);
                i = end - 1;
            }
        }
        return out.toString();
    }

    private static String braced(String inner, Function<String, String> lookup, char escape) {
        for (String op : List.of(":-", ":+", "-", "+")) {
            int at = inner.indexOf(op);
            if (at > 0 && inner.substring(0, at).matches("\\w+")) {
                String value = lookup.apply(inner.substring(0, at));
                String word = expand(inner.substring(at + op.length()), lookup, escape);
                boolean set = op.startsWith(":") ? value != null && !value.isEmpty() : value != null;
                return op.endsWith("-") ? (set ? value : word) : (set ? word : "");
            }
        }
        if (!inner.matches("\\w+")) {
            throw new IllegalArgumentException("bad substitution ${" + inner + "}");
        }
        String value = lookup.apply(inner);
        return value == null ? "" : value;
    }

    /** Splits on unquoted whitespace; removes quotes and escapes. */
    public static List<String> split(String text, char escape) {
        return unquote(text, escape, true);
    }

    /** Removes quotes and escapes; with {@code splitWords}, unquoted whitespace separates words, else it is kept. */
    private static List<String> unquote(String text, char escape, boolean splitWords) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (splitWords && quote == 0 && Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                continue;
            }
            if (word == null) {
                word = new StringBuilder();
            }
            if (c == escape && quote != '\'' && i + 1 < text.length()) {
                word.append(text.charAt(++i));
            } else if (quote == 0 && (c == '"' || c == '\'')) {
                quote = c;
            } else if (c == quote) {
                quote = 0;
            } else {
                word.append(c);
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unmatched quote in \"" + text + "\"");
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    /**
     * ENV and LABEL arguments: {@code k=v k2="v 2"}, or the legacy {@code KEY value with spaces}
     * (one pair, only when the first word has no '=').
     */
    public static Map<String, String> pairs(String text, char escape, boolean legacyAllowed) {
        Map<String, String> pairs = new LinkedHashMap<>();
        List<String> words = split(text, escape);
        if (words.isEmpty()) {
            throw new IllegalArgumentException("needs at least one key=value");
        }
        if (!words.get(0).contains("=")) {
            if (!legacyAllowed || words.size() < 2) {
                throw new IllegalArgumentException("\"" + words.get(0) + "\" is not key=value");
            }
            String key = words.get(0);
            String value = text.strip().substring(text.strip().indexOf(key) + key.length()).strip();
            // The legacy form keeps inner whitespace as written, only removing quotes.
            pairs.put(key, String.join("", unquote(value, escape, false)));
            return pairs;
        }
        for (String w : words) {
            int eq = w.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("\"" + w + "\" is not key=value");
            }
            pairs.put(w.substring(0, eq), w.substring(eq + 1));
        }
        return pairs;
    }
}
