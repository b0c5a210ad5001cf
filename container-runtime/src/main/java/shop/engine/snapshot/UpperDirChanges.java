package shop.engine.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What an overlayfs upper directory changed against its lower layers, as {@code docker diff}
 * lists it: a whiteout is a deletion; any other entry is a modification when some lower layer
 * has the path (and no layer above it hid it), else an addition. Directories that were only
 * copied up for a change inside them count as modified, as Docker counts them.
 */
final class UpperDirChanges {

    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private final Path upper;
    /** The unpacked lower layers, topmost first. */
    private final List<Path> lowers;

    UpperDirChanges(Path upper, List<Path> lowers) {
        this.upper = upper;
        this.lowers = lowers;
    }

    List<Change> list() throws IOException {
        List<Change> changes = new ArrayList<>();
        walk(upper, changes);
        return changes;
    }

    private void walk(Path dir, List<Change> changes) throws IOException {
        List<Path> children;
        try (Stream<Path> list = Files.list(dir)) {
            children = list.sorted().toList();
        }
        for (Path child : children) {
            String relative = upper.relativize(child).toString();
            if (Whiteouts.isWhiteout(child)) {
                changes.add(new Change("/" + relative, Change.DELETED));
                continue;
            }
            changes.add(new Change("/" + relative, belowHas(relative) ? Change.MODIFIED : Change.ADDED));
            if (Files.isDirectory(child, NOFOLLOW)) {
                walk(child, changes);
            }
        }
    }

    /** Whether the lower layers show the path: the topmost layer that mentions it decides. */
    private boolean belowHas(String relative) {
        for (Path lower : lowers) {
            Path p = lower.resolve(relative);
            if (Files.exists(p, NOFOLLOW)) {
                return !Whiteouts.isWhiteout(p);
            }
        }
        return false;
    }
}
