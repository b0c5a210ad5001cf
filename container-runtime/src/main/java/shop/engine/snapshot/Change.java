package shop.engine.snapshot;

/** A path a snapshot changed against its image, with Docker's kinds: 0 modified, 1 added, 2 deleted. */
public record Change(String path, int kind) {

    public static final int MODIFIED = 0;
    public static final int ADDED = 1;
    public static final int DELETED = 2;
}
