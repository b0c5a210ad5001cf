package shop.engine.registry;

/**
 * What a pull or push tells while it runs, in the shape of Docker's progress stream: status
 * lines for the whole image, and per-layer events keyed by the blob's digest. Layers move in
 * parallel, so events arrive from several threads; implementations synchronise as they need.
 */
public interface ProgressListener {

    ProgressListener NONE = new ProgressListener() {
        @Override
        public void status(String id, String message) {
        }

        @Override
        public void layer(String digest, LayerPhase phase, long current, long total) {
        }
    };

    /** A line about the whole image; {@code id} is the tag or null, as in Docker's stream. */
    void status(String id, String message);

    /** {@code current} and {@code total} are bytes, meaningful while downloading or pushing. */
    void layer(String digest, LayerPhase phase, long current, long total);

    /** The phases of one layer, with the words Docker prints for them. */
    enum LayerPhase {
        WAITING("Waiting"),
        DOWNLOADING("Downloading"),
        RETRYING("Retrying"),
        VERIFYING("Verifying Checksum"),
        DOWNLOAD_COMPLETE("Download complete"),
        ALREADY_EXISTS("Already exists"),
        PULL_COMPLETE("Pull complete"),
        PREPARING("Preparing"),
        PUSHING("Pushing"),
        LAYER_EXISTS("Layer already exists"),
        MOUNTED("Mounted from another repository"),
        PUSHED("Pushed");

        private final String text;

        LayerPhase(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }

        /** The phase Docker's stream names with these words, or null for a status of the whole image. */
        public static LayerPhase of(String text) {
            for (LayerPhase phase : values()) {
                if (phase.text.equals(text)) {
                    return phase;
                }
            }
            return null;
        }

        /** The layer's last event in this pull or push; {@code total} is its size. */
        public boolean done() {
            return this == PULL_COMPLETE || this == ALREADY_EXISTS || this == LAYER_EXISTS || this == MOUNTED || this == PUSHED;
        }

        /** Byte counts go with these phases; the others are one-off events. */
        public boolean moving() {
            return this == DOWNLOADING || this == PUSHING;
        }
    }
}
