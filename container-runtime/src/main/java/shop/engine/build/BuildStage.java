package shop.engine.build;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import shop.engine.content.Descriptor;
import shop.engine.image.ContainerConfig;
import shop.engine.image.ImageConfig;

/** One stage's state while it is being built: its image so far, its cache key and its ARGs. */
final class BuildStage {

    final String name;
    ImageConfig config;
    List<Descriptor> layers;
    String cacheKey;
    /** Set by the first miss (or --no-cache): the steps after a miss are never looked up. */
    boolean cacheOff;
    String imageId;
    boolean cmdSetHere;
    final Map<String, String> args = new LinkedHashMap<>();

    BuildStage(String name, ImageConfig config, List<Descriptor> layers, String cacheKey, String imageId) {
        this.name = name;
        this.config = config;
        this.layers = new ArrayList<>(layers);
        this.cacheKey = cacheKey;
        this.imageId = imageId;
    }

    ContainerConfig run() {
        return config.containerConfig();
    }

    /** A variable as the stage's instructions see it: ENV of the image wins over ARG of the same name, as Docker resolves them. */
    String variable(String name) {
        for (String e : run().env() == null ? List.<String>of() : run().env()) {
            if (e.startsWith(name + "=")) {
                return e.substring(name.length() + 1);
            }
        }
        return args.get(name);
    }
}
