package shop.engine.fig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import shop.engine.support.Durations;
import shop.engine.support.EngineException;
import shop.engine.support.Sizes;

/**
 * Typed values out of a stack file's YAML nodes, interpolated, each refusal worded
 * {@code fig.yml:LINE: key.path: why}. The key path is the caller's: it knows whether the
 * service sits under {@code services:} or at the root (Fig 1.0).
 */
final class NodeReader {

    private final String file;
    private final Interpolation interpolation;
    private final Consumer<String> warnings;

    NodeReader(String file, Interpolation interpolation, Consumer<String> warnings) {
        this.file = file;
        this.interpolation = interpolation;
        this.warnings = warnings;
    }

    String at(Node node) {
        return file + ":" + (node.getStartMark().getLine() + 1);
    }

    FigException error(Node node, String key, String message) {
        return new FigException(at(node) + ": " + key + ": " + message);
    }

    void warn(Node node, String message) {
        warnings.accept(at(node) + ": " + message);
    }

    Map<String, NodeTuple> entries(MappingNode node, String what) {
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : node.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                throw new FigException(at(tuple.getKeyNode()) + ": " + what + ": keys are plain words");
            }
            if (entries.put(key.getValue(), tuple) != null) {
                throw error(key, what + "." + key.getValue(), "duplicate key");
            }
        }
        return entries;
    }

    MappingNode mapping(NodeTuple tuple, String key) {
        if (!(tuple.getValueNode() instanceof MappingNode m)) {
            throw error(tuple.getValueNode(), key, "want a mapping");
        }
        return m;
    }

    /** The entries of a mapping value. */
    Map<String, NodeTuple> entries(NodeTuple tuple, String key) {
        return entries(mapping(tuple, key), key);
    }

    SequenceNode sequence(NodeTuple tuple, String key) {
        if (!(tuple.getValueNode() instanceof SequenceNode s)) {
            throw error(tuple.getValueNode(), key, "want a list");
        }
        return s;
    }

    String scalar(NodeTuple tuple, String key) {
        if (!(tuple.getValueNode() instanceof ScalarNode s)) {
            throw error(tuple.getValueNode(), key, "want a single value");
        }
        return value(s);
    }

    /** The scalar's text with variables substituted. */
    String value(ScalarNode scalar) {
        return interpolation.apply(scalar.getValue(), at(scalar));
    }

    /** One value or a list of them (compose's string_or_list); empty when the key is absent. */
    List<String> strings(NodeTuple tuple, String key) {
        List<String> values = new ArrayList<>();
        if (tuple == null) {
            return values;
        }
        if (tuple.getValueNode() instanceof ScalarNode) {
            values.add(scalar(tuple, key));
            return values;
        }
        for (Node item : sequence(tuple, key).getValue()) {
            if (!(item instanceof ScalarNode s)) {
                throw error(item, key, "want a list of single values");
            }
            values.add(value(s));
        }
        return values;
    }

    /** Top-level volumes or networks: a mapping of names (values may be empty or options). */
    List<String> names(NodeTuple tuple, String key) {
        if (tuple.getValueNode() instanceof ScalarNode s && s.getTag().equals(Tag.NULL)) {
            return List.of();
        }
        return new ArrayList<>(entries(tuple, key).keySet());
    }

    /**
     * {@code KEY=value} list or mapping (compose's list_or_dict), values as text; {@code separator}
     * splits the list form. With warnBooleans an unquoted yes/no/on/off gets a warning.
     */
    Map<String, String> map(NodeTuple tuple, String key, char separator, boolean warnBooleans) {
        Map<String, String> values = new LinkedHashMap<>();
        if (tuple == null) {
            return values;
        }
        if (tuple.getValueNode() instanceof SequenceNode) {
            for (String item : strings(tuple, key)) {
                int at = item.indexOf(separator);
                values.put(at < 0 ? item : item.substring(0, at), at < 0 ? "" : item.substring(at + 1));
            }
            return values;
        }
        for (Map.Entry<String, NodeTuple> e : entries(tuple, key).entrySet()) {
            Node value = e.getValue().getValueNode();
            if (!(value instanceof ScalarNode s)) {
                throw error(value, key + "." + e.getKey(), "want a single value");
            }
            if (warnBooleans && s.getTag().equals(Tag.BOOL) && s.getValue().matches("(?i)yes|no|on|off|y|n")) {
                warn(s, key + "." + e.getKey() + ": YAML 1.1 reads " + s.getValue() + " as a boolean; quote it to keep the word");
            }
            values.put(e.getKey(), s.getTag().equals(Tag.NULL) ? "" : value(s));
        }
        return values;
    }

    Map<String, String> map(NodeTuple tuple, String key, boolean warnBooleans) {
        return map(tuple, key, '=', warnBooleans);
    }

    int integer(NodeTuple tuple, String key) {
        String text = scalar(tuple, key);
        if (!text.matches("-?\\d{1,18}")) {
            throw error(tuple.getValueNode(), key, "\"" + text + "\" is not a whole number");
        }
        long value = Long.parseLong(text);
        if (value < 0 || value > Integer.MAX_VALUE) {
            throw error(tuple.getValueNode(), key, text + " is out of range (0 to " + Integer.MAX_VALUE + ")");
        }
        return (int) value;
    }

    double number(NodeTuple tuple, String key) {
        try {
            return Double.parseDouble(scalar(tuple, key));
        } catch (NumberFormatException e) {
            throw error(tuple.getValueNode(), key, "not a number");
        }
    }

    /** true or false; YAML 1.1's yes/no/on/off count, as compose reads them. */
    boolean bool(NodeTuple tuple, String key) {
        String text = scalar(tuple, key).toLowerCase();
        return switch (text) {
            case "true", "yes", "on", "y" -> true;
            case "false", "no", "off", "n" -> false;
            default -> throw error(tuple.getValueNode(), key, "\"" + text + "\" is not true or false");
        };
    }

    long size(NodeTuple tuple, String key) {
        try {
            return Sizes.parse(scalar(tuple, key));
        } catch (EngineException e) {
            throw error(tuple.getValueNode(), key, e.getMessage());
        }
    }

    /** Nanoseconds; 0 when the key is absent. */
    long duration(NodeTuple tuple, String key) {
        if (tuple == null) {
            return 0;
        }
        try {
            return Durations.parse(scalar(tuple, key)).toNanos();
        } catch (EngineException e) {
            throw error(tuple.getValueNode(), key, e.getMessage());
        }
    }
}
