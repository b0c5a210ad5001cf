package shop.engine.container;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import shop.engine.support.EngineException;

/**
 * Docker's restart policy: "no", "on-failure" (with a maximum retry count), "always",
 * "unless-stopped". A container the policy restarts is started again after a back-off that
 * doubles from 100 ms up to 5 s, as Docker's does, so a container that fails at once does not
 * spin.
 */
public record RestartPolicy(@JsonProperty("Name") String name, @JsonProperty("MaximumRetryCount") int maximumRetryCount) {

    public static final RestartPolicy NO = new RestartPolicy("no", 0);
    private static final long FIRST_DELAY_MS = 100;
    private static final long MAX_DELAY_MS = 5_000;

    public RestartPolicy {
        name = name == null || name.isEmpty() ? "no" : name;
        if (!List.of("no", "on-failure", "always", "unless-stopped").contains(name)) {
            throw EngineException.invalid("restart policy \"" + name + "\": no, on-failure[:max], always or unless-stopped");
        }
    }

    boolean restarts(int exitCode, int restartCount, boolean stoppedByUser) {
        return switch (name) {
            case "always", "unless-stopped" -> !stoppedByUser;
            case "on-failure" -> !stoppedByUser && exitCode != 0
                    && (maximumRetryCount == 0 || restartCount < maximumRetryCount);
            default -> false;
        };
    }

    /** Whether a container in this state has exited and waits for the policy to start it again. */
    boolean pending(ContainerState state) {
        return state.status().equals("exited") && restarts(state.exitCode(), state.restartCount(), state.stoppedByUser());
    }

    /** How long after its exit a container that restarted {@code restartCount} times so far is started again. */
    static long delayMillis(int restartCount) {
        return Math.min(FIRST_DELAY_MS << Math.min(restartCount, 6), MAX_DELAY_MS);
    }
}
