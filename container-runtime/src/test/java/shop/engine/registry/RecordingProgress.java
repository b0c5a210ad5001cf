package shop.engine.registry;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every layer event of a pull or push, for tests to look at. */
final class RecordingProgress implements ProgressListener {

    record Event(String digest, LayerPhase phase, long current, long total) {
    }

    final List<Event> events = new CopyOnWriteArrayList<>();

    @Override
    public void status(String id, String message) {
    }

    @Override
    public void layer(String digest, LayerPhase phase, long current, long total) {
        events.add(new Event(digest, phase, current, total));
    }

    /** The highest byte count each blob reached in this phase. */
    Map<String, Long> highest(LayerPhase phase) {
        Map<String, Long> highest = new ConcurrentHashMap<>();
        events.stream().filter(e -> e.phase() == phase).forEach(e -> highest.merge(e.digest(), e.current(), Math::max));
        return highest;
    }

    List<String> digests(LayerPhase phase) {
        return events.stream().filter(e -> e.phase() == phase).map(Event::digest).toList();
    }
}
