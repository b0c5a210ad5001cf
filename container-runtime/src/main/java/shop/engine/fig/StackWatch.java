package shop.engine.fig;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * fig watch's loop, compose's {@code develop.watch} with its {@code rebuild} action: a batch of
 * changes under a service's rules runs the stack's {@code before_rebuild} command, then brings the
 * changed services up again without their dependencies, so each is rebuilt (with the watch's
 * build args) and its containers are replaced when its image changed. A failed command, build or
 * start is reported and the watch goes on: the next save tries again.
 */
public final class StackWatch {

    /** How long no change must come before a batch is acted on: one save, or one Maven build. */
    private static final Duration QUIET = Duration.ofMillis(500);

    private final Stack stack;
    private final ProjectSpec project;
    private final WatchSpec spec;
    private final PrintStream out;

    /** @param stack the stack to rebuild, made with the watch's build args */
    public StackWatch(Stack stack, ProjectSpec project, WatchSpec spec, PrintStream out) {
        this.stack = stack;
        this.project = project;
        this.spec = spec;
        this.out = out;
    }

    /** Follows the named services' rules (all when none is named) until interrupted. */
    public void run(List<String> named) throws IOException, InterruptedException {
        Map<String, List<WatchSpec.Rule>> followed = new LinkedHashMap<>();
        spec.services(named).forEach(s -> followed.put(s, spec.rules().get(s)));
        try (SourceWatcher watcher = new SourceWatcher(followed)) {
            followed.forEach((service, rules) -> out.println("Watching " + service + ": "
                    + String.join(", ", rules.stream().map(r -> relative(r.path())).toList())));
            out.println("Each change rebuilds its service and replaces its containers; Ctrl-C stops watching (the stack keeps running).");
            while (true) {
                rebuild(watcher.next(QUIET));
            }
        }
    }

    /** Rebuilds and replaces the changed services, in start order. */
    private void rebuild(Map<String, List<Path>> changed) throws InterruptedException {
        long start = System.nanoTime();
        changed.forEach((service, files) -> out.println(service + ": " + files.size() + (files.size() == 1 ? " change" : " changes")
                + " (" + relative(files.get(0)) + (files.size() > 1 ? ", ..." : "") + ")"));
        if (!spec.beforeRebuild().isEmpty() && !beforeRebuild()) {
            return;
        }
        for (ServiceSpec service : project.services()) {
            if (!changed.containsKey(service.name())) {
                continue;
            }
            try {
                stack.up(List.of(service.name()), new Stack.UpOptions(false, true, Stack.Recreate.CHANGED));
                stack.awaitReady(service);
                out.printf("%s: running the change, %.1f s after it%n", service.name(), (System.nanoTime() - start) / 1e9);
            } catch (RuntimeException e) {
                // The watch outlives a broken change: say what failed, and wait for the next save.
                String reason = e.getMessage().startsWith("service " + service.name() + ":") ? e.getMessage()
                        : service.name() + ": " + e.getMessage();
                out.println(reason + "; watching for the next change");
            }
        }
    }

    /** Runs before_rebuild in the project's folder, its output passed on; false when it failed. */
    private boolean beforeRebuild() throws InterruptedException {
        List<String> command = spec.beforeRebuild();
        try {
            Process process = new ProcessBuilder(new ArrayList<>(command)).directory(project.workingDir().toFile())
                    .redirectErrorStream(true).start();
            process.getInputStream().transferTo(out);
            int code = process.waitFor();
            if (code != 0) {
                out.println(String.join(" ", command) + " exited with " + code + "; watching for the next change");
            }
            return code == 0;
        } catch (IOException e) {
            out.println("cannot run " + String.join(" ", command) + ": " + e.getMessage() + "; watching for the next change");
            return false;
        }
    }

    private String relative(Path path) {
        Path relative = project.workingDir().relativize(path);
        return relative.toString().isEmpty() ? "." : relative.toString();
    }
}
