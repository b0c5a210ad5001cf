package shop.engine.fig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;

/** Kubernetes objects as YAML, the way {@code kubectl apply -f} takes them: one stream, or one file per object. */
final class ManifestFiles {

    private ManifestFiles() {
    }

    /**
     * Into a directory, one file per object ({@code catalog-deployment.yaml}): an existing one, or
     * {@code target} made when {@code directory} says it names one (as a trailing slash does);
     * otherwise one file with all of them.
     */
    static void write(List<Map<String, Object>> objects, Path target, boolean directory) {
        try {
            if (directory || Files.isDirectory(target)) {
                Files.createDirectories(target);
                for (Map<String, Object> object : objects) {
                    String name = (String) ((Map<?, ?>) object.get("metadata")).get("name");
                    String kind = ((String) object.get("kind")).toLowerCase(Locale.ROOT);
                    Files.writeString(target.resolve(name + "-" + kind + ".yaml"), yaml(List.of(object)));
                }
            } else {
                Files.writeString(target, yaml(objects));
            }
        } catch (IOException e) {
            throw new FigException("write " + target + ": " + e.getMessage(), e);
        }
    }

    /** The objects as one multi-document YAML stream. */
    static String yaml(List<Map<String, Object>> documents) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setExplicitStart(true);
        // A long probe command stays on one line, as written, rather than folded over two.
        options.setSplitLines(false);
        return new Yaml(new ReadableText(options), options).dumpAll(documents.iterator());
    }

    /** A script in a ConfigMap stays readable: multi-line text as a literal block rather than one escaped line. */
    private static final class ReadableText extends Representer {
        ReadableText(DumperOptions options) {
            super(options);
            representers.put(String.class, data -> representScalar(Tag.STR, (String) data,
                    ((String) data).contains("\n") ? DumperOptions.ScalarStyle.LITERAL : defaultScalarStyle));
        }
    }
}
