package shop.engine.build;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import shop.engine.image.Image;

/**
 * Builds images from a Dockerfile and a context directory.
 *
 * <p>Lifecycle of one build: the whole Dockerfile is parsed first, so a syntax error costs
 * nothing; then each stage runs step by step. A step's cache key is its parent's key plus the
 * instruction (plus a checksum of content and mode of the files COPY and ADD read; mtimes do
 * not count). A hit reuses the committed result; the first miss turns the cache off for the
 * rest of the stage. A missed step runs: RUN in a container on a throwaway snapshot with the
 * host's network, COPY and ADD by writing into such a snapshot; the snapshot's diff becomes
 * the layer and the step is committed as an untagged image the cache keeps. Throwaway
 * snapshots are removed whether the step succeeds or fails. The target stage's image is
 * tagged at the end.
 */
public interface Builder {

    /**
     * @param dockerfile path of the Dockerfile relative to the context
     * @param target the stage to build; null for the last
     */
    record BuildRequest(Path context, String dockerfile, List<String> tags, Map<String, String> buildArgs,
                        String target, boolean noCache, Map<String, String> labels) {
    }

    /** Builds; progress lines (each ending in a newline) go to {@code progress} as the classic builder prints them. */
    Image build(BuildRequest request, Consumer<String> progress);
}
