package shop.platform.events;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@code /actuator/deadletters}: GET lists every consumed type's dead letters, GET {@code /{type}}
 * one type's; POST {@code /{type}} replays them (body {@code {"eventId": ...}} for one), DELETE
 * {@code /{type}} purges them ({@code ?eventId=} for one). A service exposes it and gives it to
 * the ADMIN role only, in its SecurityConfig.
 */
@Endpoint(id = "deadletters")
public class DeadLetterEndpoint {

    /** How many messages an operation took. */
    public record Outcome(String type, String action, int messages) {
    }

    private final DeadLetters deadLetters;

    public DeadLetterEndpoint(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    @ReadOperation
    public Map<String, List<DeadLetters.DeadLetter>> all() {
        return deadLetters.all();
    }

    @ReadOperation
    public List<DeadLetters.DeadLetter> ofType(@Selector String type) {
        return deadLetters.list(type);
    }

    @WriteOperation
    public Outcome replay(@Selector String type, @Nullable String eventId) {
        return new Outcome(type, "replayed", deadLetters.replay(type, eventId));
    }

    @DeleteOperation
    public Outcome purge(@Selector String type, @Nullable String eventId) {
        return new Outcome(type, "purged", deadLetters.purge(type, eventId));
    }
}
