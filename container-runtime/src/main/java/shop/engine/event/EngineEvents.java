package shop.engine.event;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What happened in the engine, as Docker's event stream tells it: a container was created,
 * started, died; an image was tagged; a network was connected.
 *
 * <p>Lifecycle: the engine's parts {@link #publish} as things happen; a reader
 * {@link #subscribe}s, first receives the remembered events since the time it asks for (the last
 * {@value #REMEMBERED}, in memory only, as dockerd keeps them), then each new one, until it
 * {@link Subscription#close closes}. A reader that falls {@value #QUEUE} events behind loses the
 * oldest rather than holding the engine up.
 */
public final class EngineEvents {

    static final int REMEMBERED = 1024;
    static final int QUEUE = 4096;

    /** One event: its resource type (container, image, network, volume), action and actor. */
    public record Event(String type, String action, String actorId, Map<String, String> attributes, long timeNano) {

        public Instant time() {
            return Instant.ofEpochSecond(0, timeNano);
        }
    }

    /** A reader's view of the stream, from its {@code since} on. */
    public final class Subscription implements AutoCloseable {

        private final BlockingQueue<Event> queue = new LinkedBlockingQueue<>(QUEUE);

        /** The next event, or null when none came within the wait. */
        public Event next(long timeout, TimeUnit unit) throws InterruptedException {
            return queue.poll(timeout, unit);
        }

        private void offer(Event e) {
            while (!queue.offer(e)) {
                queue.poll();
            }
        }

        @Override
        public void close() {
            subscribers.remove(this);
        }
    }

    private final Deque<Event> remembered = new ArrayDeque<>();
    private final List<Subscription> subscribers = new CopyOnWriteArrayList<>();
    private long lastNano;

    /** Publishes an event; {@code attributes} are Docker's Actor.Attributes (name, image, labels, exitCode...). */
    public void publish(String type, String action, String actorId, Map<String, String> attributes) {
        Map<String, String> copy = new LinkedHashMap<>(attributes == null ? Map.of() : attributes);
        copy.values().removeIf(v -> v == null);
        Event event;
        synchronized (this) {
            Instant now = Instant.now();
            // Strictly increasing, so "since the last one I saw" never repeats or skips one.
            lastNano = Math.max(lastNano + 1, now.getEpochSecond() * 1_000_000_000L + now.getNano());
            event = new Event(type, action, actorId, Map.copyOf(copy), lastNano);
            remembered.addLast(event);
            if (remembered.size() > REMEMBERED) {
                remembered.removeFirst();
            }
            subscribers.forEach(s -> s.offer(event));
        }
    }

    /** A new reader; with {@code since}, the remembered events at or after it come first. */
    public synchronized Subscription subscribe(Instant since) {
        Subscription s = new Subscription();
        if (since != null) {
            long from = since.getEpochSecond() * 1_000_000_000L + since.getNano();
            new ArrayList<>(remembered).stream().filter(e -> e.timeNano() >= from).forEach(s::offer);
        }
        subscribers.add(s);
        return s;
    }

    /** How many readers are subscribed (a reader that went away must not stay). */
    public int subscribers() {
        return subscribers.size();
    }
}
