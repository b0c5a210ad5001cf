package shop.platform.events;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.databind.JsonNode;

/**
 * The contract of each event type's payload: a JSON Schema per type and version in contracts
 * ({@code shop/events/v<version>/<type>.schema.json}). {@link Outbox} refuses to record an event
 * that breaks its schema, so a producer's tests fail on it; {@link EventConsumers} dead-letters one
 * at once, naming what broke, so a consumer handles only what the contract promises. A producer may
 * add fields within a version; every field consumers read is required.
 */
final class EventSchemas {

    private static final Pattern TYPE = Pattern.compile("[a-z]+(\\.[a-z]+)*");
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();

    private EventSchemas() {
    }

    /** What in the payload breaks its type's schema, each naming the field; empty when it conforms. */
    static List<String> violations(String type, int version, JsonNode payload) {
        return schema(type, version).validate(payload).stream().map(error -> error.toString()).toList();
    }

    /** The schema of a type's version; an IllegalStateException when contracts has none. */
    static Schema schema(String type, int version) {
        if (!TYPE.matcher(type).matches()) {
            throw new IllegalStateException("not an event type: " + type);
        }
        return SCHEMAS.computeIfAbsent(type + "/" + version, key -> {
            String path = "/shop/events/v" + version + "/" + type + ".schema.json";
            try (InputStream in = EventSchemas.class.getResourceAsStream(path)) {
                if (in == null) {
                    throw new IllegalStateException("contracts has no schema for event " + type + " version " + version + " (" + path + ")");
                }
                return REGISTRY.getSchema(in);
            } catch (IOException e) {
                throw new IllegalStateException("reading " + path + ": " + e.getMessage(), e);
            }
        });
    }
}
