package shop.engine.build;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import shop.engine.content.Digest;
import shop.engine.image.Image;
import shop.engine.image.ImageConfig;
import shop.engine.image.ImageStore;

/**
 * The build cache: each step's result is committed as an untagged image that the image store keeps
 * under the step's key ({@code index.json}'s keepers), the key being a digest of the parent step's
 * key and the step's own text. A hit takes the kept image as the stage's state; the first miss turns
 * the cache off for the rest of the stage.
 */
final class BuildCache {

    private static final String KEEPER = "build-cache";

    private final ImageStore images;

    BuildCache(ImageStore images) {
        this.images = images;
    }

    /** Looks the step up in the cache; on a miss runs it, commits and remembers it. */
    void step(BuildStage stage, String keyText, Runnable work, Consumer<String> progress) {
        String key = Digest.of((stage.cacheKey + "\n" + keyText).getBytes(StandardCharsets.UTF_8));
        if (!stage.cacheOff) {
            Optional<Image> hit = images.kept(KEEPER, key);
            if (hit.isPresent()) {
                stage.config = hit.get().config();
                stage.layers = new ArrayList<>(hit.get().manifest().layers());
                stage.cacheKey = key;
                stage.imageId = hit.get().id();
                progress.accept(" ---> Using cache\n ---> " + hit.get().shortId() + "\n");
                return;
            }
            stage.cacheOff = true;
        }
        work.run();
        stage.cacheKey = key;
        commit(stage, key);
        progress.accept(" ---> " + stage.imageId.substring(7, 19) + "\n");
    }

    /** Commits the stage's state as the image kept under {@code key}. */
    void commit(BuildStage stage, String key) {
        stage.imageId = images.commit(stage.config, stage.layers, Map.of(KEEPER, key)).id();
    }

    /** The empty image FROM scratch starts from, kept like a step's. */
    String scratch(ImageConfig empty) {
        return images.commit(empty, List.of(), Map.of(KEEPER, "scratch")).id();
    }
}
