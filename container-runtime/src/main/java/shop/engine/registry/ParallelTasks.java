package shop.engine.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import shop.engine.support.EngineException;

/**
 * Runs a pull's or a push's blob transfers a few at a time. A failure does not cut the others
 * short: what finishes is kept (a retried pull then skips it); the first failure is reported.
 */
final class ParallelTasks {

    private ParallelTasks() {
    }

    static void runAll(String name, int threads, List<Runnable> tasks) {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> running = new ArrayList<>();
            tasks.forEach(task -> running.add(pool.submit(task)));
            Throwable first = null;
            for (Future<?> future : running) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    first = first == null ? e.getCause() : first;
                }
            }
            if (first != null) {
                throw first instanceof RuntimeException r ? r : EngineException.failed(name + ": " + first, first);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.failed(name + ": interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
