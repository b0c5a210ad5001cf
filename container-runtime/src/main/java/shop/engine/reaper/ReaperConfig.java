package shop.engine.reaper;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import shop.engine.support.Durations;
import shop.engine.support.EngineException;

/**
 * How a reaper listens and when it prunes, under the names and defaults Ryuk reads from its
 * environment (moby-ryuk's config.go), so a Testcontainers set-up that tunes Ryuk tunes this one.
 *
 * @param listen              where clients connect; Ryuk listens on every address, port {@code RYUK_PORT} (8080)
 * @param connectionTimeout   how long the first client may take to come ({@code RYUK_CONNECTION_TIMEOUT}, 60s)
 * @param reconnectionTimeout how long after the last client left the reaper prunes ({@code RYUK_RECONNECTION_TIMEOUT}, 10s)
 * @param removeRetries       attempts at each removal, a second apart ({@code RYUK_REMOVE_RETRIES}, 10)
 */
public record ReaperConfig(InetSocketAddress listen, Duration connectionTimeout, Duration reconnectionTimeout,
                           int removeRetries) {

    public static ReaperConfig fromEnvironment(Map<String, String> env) {
        return new ReaperConfig(new InetSocketAddress(number(env, "RYUK_PORT", 8080, 0, 65535)),
                duration(env, "RYUK_CONNECTION_TIMEOUT", "60s"), duration(env, "RYUK_RECONNECTION_TIMEOUT", "10s"),
                number(env, "RYUK_REMOVE_RETRIES", 10, 1, Integer.MAX_VALUE));
    }

    private static Duration duration(Map<String, String> env, String name, String fallback) {
        try {
            return Durations.parse(env.getOrDefault(name, fallback));
        } catch (EngineException e) {
            throw EngineException.invalid(name + ": " + e.getMessage());
        }
    }

    private static int number(Map<String, String> env, String name, int fallback, int min, int max) {
        String text = env.get(name);
        if (text == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below, with the range
        }
        throw EngineException.invalid(name + ": \"" + text + "\" is not a number from " + min + " to " + max);
    }
}
