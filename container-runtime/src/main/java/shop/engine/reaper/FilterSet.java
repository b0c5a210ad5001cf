package shop.engine.reaper;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import shop.engine.support.EngineException;

/**
 * One line of Ryuk's protocol, read as Docker list filters: a query string such as
 * {@code label=org.testcontainers.sessionId%3Dabc&label=org.testcontainers%3Dtrue} (Testcontainers
 * encodes each key and value with URLEncoder) is {@code {"label": ["org.testcontainers.sessionId=abc",
 * "org.testcontainers=true"]}}. The engine ANDs the filters of one set; the sets a reaper collects
 * are alternatives. Keys and values are kept sorted and distinct, so the same filters sent in
 * another order, or again by a reconnecting client, are one set.
 *
 * <p>Decoded as Go's url.ParseQuery decodes it (Ryuk's reading): pairs split on {@code &}, the first
 * {@code =} splits key from value, {@code +} is a space, and {@code %} must start two hex digits;
 * a {@code ;} is refused, as Go refuses it.
 *
 * <p>Unlike Ryuk, a set must name at least one label. The reaper removes with force and asks
 * nobody; a set of only other keys rests entirely on the engine's reading of them, and an engine
 * that ignores a filter it does not know (this one ignored image filters in December 2026) lists
 * everything for it. With a label in every set, {@link #labelled} can check each resource itself.
 */
record FilterSet(Map<String, List<String>> filters) {

    static final String LABEL = "label";

    FilterSet {
        filters = Collections.unmodifiableMap(filters);
    }

    /** The filters of one protocol line; an {@link EngineException} naming the line and the fault when it is not one. */
    static FilterSet parse(String line) {
        TreeMap<String, SortedSet<String>> sets = new TreeMap<>();
        for (String pair : line.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            if (pair.contains(";")) {
                throw refused(line, "\";\" is not a separator in a query; encode it as %3B");
            }
            int eq = pair.indexOf('=');
            String key = unescape(line, eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : unescape(line, pair.substring(eq + 1));
            if (key.isEmpty()) {
                throw refused(line, "a filter without a name (\"" + pair + "\")");
            }
            sets.computeIfAbsent(key, k -> new TreeSet<>()).add(value);
        }
        if (!sets.containsKey(LABEL)) {
            throw refused(line, "no label filter; the reaper removes only what carries a label it was given");
        }
        TreeMap<String, List<String>> filters = new TreeMap<>();
        sets.forEach((key, values) -> filters.put(key, List.copyOf(values)));
        return new FilterSet(filters);
    }

    /**
     * True when {@code labels} satisfy every label filter of the set, as Docker reads them:
     * {@code key} wants the label present, {@code key=value} wants that value.
     */
    boolean labelled(Map<String, String> labels) {
        for (String filter : filters.get(LABEL)) {
            int eq = filter.indexOf('=');
            boolean held = eq < 0 ? labels.containsKey(filter)
                    : filter.substring(eq + 1).equals(labels.get(filter.substring(0, eq)));
            if (!held) {
                return false;
            }
        }
        return true;
    }

    /** The line as a person reads it: {@code label=a=b, label=c}. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        filters.forEach((key, values) -> values.forEach(v -> parts.add(key + "=" + v)));
        return String.join(", ", parts);
    }

    private static String unescape(String line, String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '+') {
                bytes.write(' ');
                i++;
            } else if (c == '%') {
                int high = i + 2 < text.length() ? hex(text.charAt(i + 1)) : -1;
                int low = high < 0 ? -1 : hex(text.charAt(i + 2));
                if (low < 0) {
                    throw refused(line, "invalid URL escape \"" + text.substring(i, Math.min(i + 3, text.length())) + "\"");
                }
                bytes.write(high << 4 | low);
                i += 3;
            } else {
                int end = i;
                while (end < text.length() && text.charAt(end) != '%' && text.charAt(end) != '+') {
                    end++;
                }
                bytes.writeBytes(text.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end;
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** An ASCII hex digit's value, else -1: Character.digit would take other scripts' digits too. */
    private static int hex(char c) {
        return "0123456789abcdef".indexOf(Character.toLowerCase(c));
    }

    private static EngineException refused(String line, String why) {
        return EngineException.invalid("parse filter \"" + line + "\": " + why);
    }
}
