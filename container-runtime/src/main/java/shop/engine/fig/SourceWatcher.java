package shop.engine.fig;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import shop.engine.dockerfile.DockerIgnore;

/**
 * The files under fig watch's rules, followed through the JDK's WatchService (inotify on Linux):
 * every folder under a rule's path is registered, and each new folder as it appears. A batch of
 * changes ends once none came for a quiet time, so one save (an editor's temporary file and
 * rename) or one Maven build of many files starts one rebuild.
 */
final class SourceWatcher implements Closeable {

    /** Version control's, editors' and the JVM's scratch files (a test run's attach socket): never a reason to rebuild. */
    private static final DockerIgnore SCRATCH = new DockerIgnore(String.join("\n",
            "**/.git", "**/*.swp", "**/*.swx", "**/*~", "**/.#*", "**/4913", "**/.attach_pid*", "**/hs_err_pid*.log"));

    private static final WatchEvent.Kind<?>[] KINDS = {StandardWatchEventKinds.ENTRY_CREATE,
        StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE};

    private final Map<String, List<WatchSpec.Rule>> rules;
    private final WatchService watcher;
    private final Map<WatchKey, Path> folders = new HashMap<>();

    SourceWatcher(Map<String, List<WatchSpec.Rule>> rules) throws IOException {
        this.rules = rules;
        this.watcher = FileSystems.getDefault().newWatchService();
        Set<Path> roots = new LinkedHashSet<>();
        for (List<WatchSpec.Rule> list : rules.values()) {
            for (WatchSpec.Rule rule : list) {
                if (Files.isDirectory(rule.path())) {
                    roots.add(rule.path());
                } else {
                    // A file's folder alone: what else changes there is not followed.
                    folders.put(rule.path().getParent().register(watcher, KINDS), rule.path().getParent());
                }
            }
        }
        for (Path root : roots) {
            register(root);
        }
    }

    /** Registers the folder and those under it that a rule covers (not target/, say, when a rule ignores it). */
    private void register(Path root) throws IOException {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path folder, BasicFileAttributes attributes) throws IOException {
                    if (!followed(folder)) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    folders.put(folder.register(watcher, KINDS), folder);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    // Deleted while it was walked: its creation's event is then followed by a deletion's.
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // As above, for the root itself.
        }
    }

    /** Whether a change here can be one a rule rebuilds for. */
    private boolean followed(Path file) {
        return rules.values().stream().flatMap(List::stream).anyMatch(r -> r.covers(file) && !scratch(r.path(), file));
    }

    private static boolean scratch(Path root, Path file) {
        return !root.equals(file) && SCRATCH.excludes(root.relativize(file).toString());
    }

    /**
     * Waits for the next batch of changes that a rule covers, then returns the changed files by
     * the services whose rules cover them.
     */
    Map<String, List<Path>> next(Duration quiet) throws InterruptedException, IOException {
        while (true) {
            Map<String, List<Path>> changed = new LinkedHashMap<>();
            WatchKey key = watcher.take();
            while (key != null) {
                Path folder = folders.get(key);
                for (WatchEvent<?> event : key.pollEvents()) {
                    // An overflow lost the names: the whole folder counts as changed.
                    Path file = event.kind() == StandardWatchEventKinds.OVERFLOW || folder == null ? folder
                            : folder.resolve((Path) event.context());
                    if (file == null) {
                        continue;
                    }
                    if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE && Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                        register(file);
                    }
                    attribute(file, changed);
                }
                if (!key.reset()) {
                    folders.remove(key);
                }
                key = watcher.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
            }
            if (!changed.isEmpty()) {
                return changed;
            }
        }
    }

    private void attribute(Path file, Map<String, List<Path>> changed) {
        rules.forEach((service, list) -> {
            for (WatchSpec.Rule rule : list) {
                if (rule.covers(file) && !scratch(rule.path(), file)) {
                    List<Path> files = changed.computeIfAbsent(service, s -> new ArrayList<>());
                    if (!files.contains(file)) {
                        files.add(file);
                    }
                    return;
                }
            }
        });
    }

    @Override
    public void close() throws IOException {
        watcher.close();
    }
}
