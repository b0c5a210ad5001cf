package shop.engine.container;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import shop.engine.EngineException;

/** How the host runs a container (Docker's HostConfig names): mounts, network, limits, restarts. */
public record HostConfig(
        @JsonProperty("Binds") List<String> binds,
        @JsonProperty("NetworkMode") String networkMode,
        @JsonProperty("RestartPolicy") RestartPolicy restartPolicy,
        @JsonProperty("Memory") long memory,
        @JsonProperty("NanoCpus") long nanoCpus,
        @JsonProperty("PidsLimit") Long pidsLimit,
        @JsonProperty("AutoRemove") boolean autoRemove) {

    public static final HostConfig DEFAULT = new HostConfig(List.of(), "none", RestartPolicy.NO, 0, 0, null, false);

    public HostConfig {
        binds = binds == null ? List.of() : List.copyOf(binds);
        networkMode = networkMode == null || networkMode.isEmpty() || networkMode.equals("default") ? "none" : networkMode;
        if (!networkMode.equals("none") && !networkMode.equals("host")) {
            throw EngineException.invalid("network mode \"" + networkMode + "\": this engine runs \"none\" and \"host\" only");
        }
        restartPolicy = restartPolicy == null ? RestartPolicy.NO : restartPolicy;
        if (memory < 0 || nanoCpus < 0 || (pidsLimit != null && pidsLimit < 0)) {
            throw EngineException.invalid("Memory, NanoCpus and PidsLimit cannot be negative");
        }
    }

    /** Docker's restart policy: "no", "on-failure" (with a maximum retry count), "always", "unless-stopped". */
    public record RestartPolicy(@JsonProperty("Name") String name, @JsonProperty("MaximumRetryCount") int maximumRetryCount) {

        public static final RestartPolicy NO = new RestartPolicy("no", 0);

        public RestartPolicy {
            name = name == null || name.isEmpty() ? "no" : name;
            if (!List.of("no", "on-failure", "always", "unless-stopped").contains(name)) {
                throw EngineException.invalid("restart policy \"" + name + "\": no, on-failure[:max], always or unless-stopped");
            }
        }

        /** Parses the CLI form, e.g. {@code on-failure:3}. */
        public static RestartPolicy parse(String text) {
            int colon = text.indexOf(':');
            if (colon < 0) {
                return new RestartPolicy(text, 0);
            }
            try {
                return new RestartPolicy(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw EngineException.invalid("restart policy \"" + text + "\": the retry count must be a number");
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
    }
}
