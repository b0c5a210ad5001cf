package shop.engine.fig;

import com.github.dockerjava.api.model.Container;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Stops (kills, removes) a stack's containers together rather than one after another, as
 * docker-compose does: a service's containers wait only for those of the services that depend on
 * it, directly or through others (the gateway before the services it routes to, each of those
 * before its database); the rest go at once. The shop's {@code down} took the sum of every
 * container's shutdown, then the longest of each dependency level; now a database waits only for
 * its own users.
 */
final class DependentsFirst {

    /** More stops at once than this gain nothing: each is a request the engine serves on its own thread. */
    private static final int AT_ONCE = 16;

    private DependentsFirst() {
    }

    /**
     * Applies {@code action} to every container, each once the services depending on its own are
     * done. A failure leaves the services below it alone (they may still be needed) and is rethrown
     * once everything else has finished.
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
            Map<String, List<Container>> byService = new HashMap<>();
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (Container c : containers) {
                ServiceSpec service = stack.serviceOf(c);
                if (service == null) {
                    // A container of no service of the file (compose made it from another): nothing orders it.
                    all.add(CompletableFuture.runAsync(() -> action.accept(c), pool));
                } else {
                    byService.computeIfAbsent(service.name(), s -> new ArrayList<>()).add(c);
                }
            }
            Map<String, CompletableFuture<Void>> done = new HashMap<>();
            for (ServiceSpec service : stack.services()) {
                all.add(done(service.name(), byService, stack, done, action, pool));
            }
            awaitAll(all);
        } finally {
            pool.shutdownNow();
        }
    }

    /** When the service's containers are done: after every service that depends on it, even one with none to do. */
    private static CompletableFuture<Void> done(String service, Map<String, List<Container>> byService,
                                                StackContainers stack, Map<String, CompletableFuture<Void>> done,
                                                Consumer<Container> action, ExecutorService pool) {
        CompletableFuture<Void> known = done.get(service);
        if (known != null) {
            return known;
        }
        List<CompletableFuture<Void>> dependents = new ArrayList<>();
        for (ServiceSpec dependent : stack.services()) {
            if (dependent.dependsOn().containsKey(service)) {
                // DependencyOrder refused cycles when the file was read: this ends.
                dependents.add(done(dependent.name(), byService, stack, done, action, pool));
            }
        }
        CompletableFuture<Void> own = CompletableFuture.allOf(dependents.toArray(CompletableFuture[]::new))
                .thenCompose(ready -> CompletableFuture.allOf(byService.getOrDefault(service, List.of()).stream()
                        .map(c -> CompletableFuture.runAsync(() -> action.accept(c), pool))
                        .toArray(CompletableFuture[]::new)));
        done.put(service, own);
        return own;
    }

    /** Waits for every one; then rethrows the first failure, as it was thrown. */
    private static void awaitAll(List<CompletableFuture<Void>> all) {
        RuntimeException failed = null;
        for (CompletableFuture<Void> f : all) {
            try {
                f.join();
            } catch (CompletionException e) {
                if (failed == null) {
                    Throwable cause = e.getCause();
                    failed = cause instanceof RuntimeException r ? r : new FigException(String.valueOf(cause.getMessage()), cause);
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }
}
