package shop.engine.fig;

import com.github.dockerjava.api.model.Container;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Stops a stack's containers together rather than one after another, as docker-compose does: in
 * waves, where a service's containers wait only for those of the services that depend on it (the
 * gateway before the services it routes to, those before their database), and everything in a
 * wave goes at once. The shop's {@code down} took the sum of every container's shutdown; now it
 * takes the longest of each wave.
 */
final class StopWaves {

    /** More stops at once than this gain nothing: each is a request the engine serves on its own thread. */
    private static final int AT_ONCE = 16;

    private StopWaves() {
    }

    /**
     * Applies {@code action} to every container, wave by wave; the first failure is rethrown once
     * its wave has finished, and no later wave starts.
     */
    static void apply(List<Container> containers, StackContainers stack, Consumer<Container> action) {
        if (containers.isEmpty()) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(AT_ONCE, containers.size()), runnable -> {
            Thread thread = new Thread(runnable, "fig-stop");
            thread.setDaemon(true);
            return thread;
        });
        try {
            for (List<Container> wave : waves(containers, stack)) {
                List<Future<?>> stopping = new ArrayList<>();
                wave.forEach(c -> stopping.add(pool.submit(() -> action.accept(c))));
                RuntimeException failed = null;
                for (Future<?> stop : stopping) {
                    try {
                        stop.get();
                    } catch (ExecutionException e) {
                        if (failed == null) {
                            failed = e.getCause() instanceof RuntimeException r ? r : new FigException(e.getCause().getMessage(), e);
                        }
                    }
                }
                if (failed != null) {
                    throw failed;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FigException("interrupted while stopping", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The containers grouped by how deep their service sits below the others: a service no other
     * depends on (or a container of no service of the file) is in the first wave, and a service is
     * one wave after the latest of its dependents.
     */
    static List<List<Container>> waves(List<Container> containers, StackContainers stack) {
        Map<String, Integer> depth = new HashMap<>();
        Map<Integer, List<Container>> byDepth = new TreeMap<>();
        for (Container c : containers) {
            ServiceSpec service = stack.serviceOf(c);
            int wave = service == null ? 0 : depth(service.name(), stack, depth);
            byDepth.computeIfAbsent(wave, w -> new ArrayList<>()).add(c);
        }
        return new ArrayList<>(byDepth.values());
    }

    private static int depth(String service, StackContainers stack, Map<String, Integer> known) {
        Integer found = known.get(service);
        if (found != null) {
            return found;
        }
        int depth = 0;
        for (ServiceSpec dependent : stack.services()) {
            if (dependent.dependsOn().containsKey(service)) {
                // DependencyOrder refused cycles when the file was read: this ends.
                depth = Math.max(depth, depth(dependent.name(), stack, known) + 1);
            }
        }
        known.put(service, depth);
        return depth;
    }
}
