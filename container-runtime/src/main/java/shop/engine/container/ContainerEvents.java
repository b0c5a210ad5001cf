package shop.engine.container;

import java.util.LinkedHashMap;
import java.util.Map;
import shop.engine.event.EngineEvents;

/** Docker's events for a container, each with the container's labels, image and name as attributes. */
final class ContainerEvents {

    private final EngineEvents events;

    ContainerEvents(EngineEvents events) {
        this.events = events;
    }

    void publish(Container c, String action) {
        publish(c, action, Map.of());
    }

    void publish(Container c, String action, Map<String, String> extra) {
        Map<String, String> attributes = new LinkedHashMap<>();
        if (c.config().labels() != null) {
            attributes.putAll(c.config().labels());
        }
        attributes.put("image", c.imageName());
        attributes.put("name", c.name());
        attributes.putAll(extra);
        events.publish("container", action, c.id(), attributes);
    }
}
