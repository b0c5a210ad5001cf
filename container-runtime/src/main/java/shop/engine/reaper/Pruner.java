package shop.engine.reaper;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Removes what the filter sets name, through the engine's API, kind by kind in Ryuk's order:
 * containers (forced, with their anonymous volumes), which frees the networks and volumes they
 * used, then networks, volumes and images.
 *
 * <p>Each kind is listed with each set's filters, and a resource is removed only when it also
 * carries the set's labels ({@link FilterSet#labelled}): an engine that ignores a filter lists
 * everything, and a reaper trusting it would remove everything. Nothing labelled
 * {@code org.testcontainers.ryuk=true} is removed: Testcontainers gives the reaper's own
 * container the session's labels too, and the label comes from the reaper's image.
 *
 * <p>A removal that fails is tried again a second later, up to the configured attempts (a
 * network the engine is still detaching a removed container from refuses at first); one the
 * engine no longer finds is done.
 */
final class Pruner {

    static final String REAPER_LABEL = "org.testcontainers.ryuk";
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    /** What a prune removed, kind by kind in order, and what it could not remove, each as "remove <kind> <name>: <why>". */
    record Outcome(Map<String, Integer> removed, List<String> failures) {
    }

    /** One resource as listed: its id for the API, a name for the log, its labels. */
    private record Listed(String id, String name, Map<String, String> labels) {
    }

    /** A kind of resource: how the API lists it for a filter set, and removes one by id. */
    private record Kind(String name, Function<FilterSet, List<Listed>> list, Consumer<String> remove) {
    }

    private final List<Kind> kinds;
    private final int attempts;
    private final PrintStream log;

    Pruner(DockerClient docker, int attempts, PrintStream log) {
        this.attempts = attempts;
        this.log = log;
        this.kinds = List.of(
                new Kind("container", set -> {
                    var list = docker.listContainersCmd().withShowAll(true);
                    set.filters().forEach(list::withFilter);
                    return list.exec().stream().map(c -> new Listed(c.getId(),
                            c.getNames() == null || c.getNames().length == 0 ? c.getId() : c.getNames()[0].replaceFirst("^/", ""),
                            c.getLabels())).toList();
                }, id -> docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec()),
                new Kind("network", set -> {
                    var list = docker.listNetworksCmd();
                    set.filters().forEach(list::withFilter);
                    return list.exec().stream().map(n -> new Listed(n.getId(), n.getName(), n.getLabels())).toList();
                }, id -> docker.removeNetworkCmd(id).exec()),
                new Kind("volume", set -> {
                    var list = docker.listVolumesCmd();
                    set.filters().forEach(list::withFilter);
                    var volumes = list.exec().getVolumes();
                    return volumes == null ? List.of()
                            : volumes.stream().map(v -> new Listed(v.getName(), v.getName(), v.getLabels())).toList();
                }, name -> docker.removeVolumeCmd(name).exec()),
                new Kind("image", set -> {
                    var list = docker.listImagesCmd();
                    set.filters().forEach(list::withFilter);
                    return list.exec().stream().map(i -> new Listed(i.getId(),
                            i.getRepoTags() == null || i.getRepoTags().length == 0 ? i.getId() : i.getRepoTags()[0],
                            i.getLabels())).toList();
                }, id -> docker.removeImageCmd(id).exec()));
    }

    Outcome prune(Collection<FilterSet> sets) throws InterruptedException {
        Map<String, Integer> removed = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        for (Kind kind : kinds) {
            removed.put(kind.name(), remove(kind, named(kind, sets, failures), failures));
        }
        return new Outcome(removed, failures);
    }

    /** The resources of a kind that some set names, by id, with the name to log. */
    private static Map<String, String> named(Kind kind, Collection<FilterSet> sets, List<String> failures) {
        Map<String, String> named = new LinkedHashMap<>();
        for (FilterSet set : sets) {
            List<Listed> listed;
            try {
                listed = kind.list().apply(set);
            } catch (RuntimeException e) {
                failures.add("list " + kind.name() + "s for " + set + ": " + e.getMessage());
                continue;
            }
            for (Listed resource : listed) {
                Map<String, String> labels = resource.labels() == null ? Map.of() : resource.labels();
                if (set.labelled(labels) && !"true".equals(labels.get(REAPER_LABEL))) {
                    named.put(resource.id(), resource.name());
                }
            }
        }
        return named;
    }

    private int remove(Kind kind, Map<String, String> todo, List<String> failures) throws InterruptedException {
        int removed = 0;
        Map<String, String> lastError = new LinkedHashMap<>();
        for (int attempt = 1; attempt <= attempts && !todo.isEmpty(); attempt++) {
            if (attempt > 1) {
                Thread.sleep(RETRY_PAUSE.toMillis());
            }
            for (Iterator<Map.Entry<String, String>> it = todo.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, String> target = it.next();
                try {
                    kind.remove().accept(target.getKey());
                    log.println("removed " + kind.name() + " " + target.getValue());
                    removed++;
                    it.remove();
                } catch (NotFoundException e) {
                    it.remove();
                } catch (RuntimeException e) {
                    lastError.put(target.getKey(), e.getMessage());
                }
            }
        }
        todo.forEach((id, name) -> failures.add("remove " + kind.name() + " " + name + ": " + lastError.get(id)));
        return removed;
    }
}
