package shop.engine.snapshot;

import java.nio.file.Path;

/** One image layer as the snapshotter needs it: its diff ID and its blob, maybe gzipped. */
public record Layer(String diffId, Path blob) {
}
