package shop.engine.fig;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import shop.engine.support.Json;

/**
 * The canary of {@code fig deploy}: once the new replicas are healthy and registered, old and new
 * serve side by side for a while, and then the new ones' error ratio and p99 are set beside the
 * old ones', as the stack's Prometheus records them per Eureka instance
 * ({@code instance:errors:ratio_rate1m}, {@code instance:latency_seconds:p99_1m},
 * {@code instance:requests:rate1m}; container-runtime/images/prometheus/rules.yml). A release is
 * refused when its error ratio is higher by more than {@value #MAX_ERROR_RATIO_INCREASE}, or its
 * p99 more than {@value #MAX_P99_RATIO} times the old one's and {@value #P99_SLACK_MS} ms above
 * it. The margin is wide because the new replicas' minute includes their JVMs' first, slower
 * requests: the same jar measured 358 ms against 191 ms in one run, and 847 ms against 157 ms
 * under bench/deploy's paced load. So p99 catches a release a second slower, not a subtle one;
 * judging after a warm-up would allow a tighter margin.
 *
 * <p>Prometheus is the stack's {@code prometheus} service, reached through its published port as
 * user {@code shop} with its {@code PROMETHEUS_PASSWORD}; a stack without one, or a period of 0,
 * has no canary. A Prometheus that does not answer, or does not scrape the new replicas, refuses
 * the release: it is never promoted blind. New replicas that no request reached are promoted on
 * their health alone, and the output says so.
 */
final class Canary {

    static final Duration DEFAULT_PERIOD = Duration.ofSeconds(30);
    static final double MAX_ERROR_RATIO_INCREASE = 0.01;
    static final double MAX_P99_RATIO = 2.0;
    static final long P99_SLACK_MS = 1000;
    private static final String PROMETHEUS = "prometheus";
    private static final int PROMETHEUS_PORT = 9090;

    /** What the replicas of one release did over the last minute, together. */
    record Figures(double requestsPerSecond, double errorRatio, double p99Seconds) {

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.1f req/s, %.2f%% errors, p99 %s", requestsPerSecond, 100 * errorRatio,
                    Double.isNaN(p99Seconds) ? "unknown" : Math.round(p99Seconds * 1000) + " ms");
        }
    }

    private final Stack stack;
    private final ProjectSpec project;
    private final Duration period;
    private final PrintStream out;

    Canary(Stack stack, ProjectSpec project, Duration period, PrintStream out) {
        this.stack = stack;
        this.project = project;
        this.period = period;
        this.out = out;
    }

    /** Whether this deploy has a canary: a period, and a Prometheus in the stack. */
    boolean enabled() {
        return !period.isZero() && project.services().stream().anyMatch(s -> s.name().equals(PROMETHEUS));
    }

    /**
     * Waits out the canary period, then refuses the new release with a {@link FigException} that
     * says why, or returns when it is no worse than the old one. Instances are Eureka instance ids.
     */
    void judge(String serviceName, List<String> oldInstances, List<String> newInstances) {
        out.println("Canary: " + newInstances + " serve beside " + oldInstances + " for " + period.toSeconds() + " s");
        Stack.sleep(period.toMillis());
        String application = "{application=\"" + serviceName + "\"}";
        Map<String, Double> up = query(serviceName, "up" + application);
        List<String> unscraped = newInstances.stream().filter(id -> up.getOrDefault(id, 0.0) != 1.0).toList();
        if (!unscraped.isEmpty()) {
            throw refused(serviceName, "Prometheus does not scrape the new replicas " + unscraped
                    + ", so the release cannot be judged");
        }
        Map<String, Double> rates = query(serviceName, "instance:requests:rate1m" + application);
        Map<String, Double> errors = query(serviceName, "instance:errors:ratio_rate1m" + application);
        Map<String, Double> p99s = query(serviceName, "instance:latency_seconds:p99_1m" + application);
        Figures before = figures(oldInstances, rates, errors, p99s);
        Figures after = figures(newInstances, rates, errors, p99s);
        out.println("Canary of " + serviceName + ": new " + after + "; old " + before);
        if (after.requestsPerSecond() == 0) {
            out.println("No request reached the new replicas during the canary: they are judged by their health alone");
            return;
        }
        if (after.errorRatio() > before.errorRatio() + MAX_ERROR_RATIO_INCREASE) {
            throw refused(serviceName, String.format(Locale.ROOT, "the new replicas answered %.2f%% of requests with 5xx, "
                    + "the old ones %.2f%%", 100 * after.errorRatio(), 100 * before.errorRatio()));
        }
        if (!Double.isNaN(before.p99Seconds()) && after.p99Seconds() > before.p99Seconds() * MAX_P99_RATIO
                && after.p99Seconds() > before.p99Seconds() + P99_SLACK_MS / 1000.0) {
            throw refused(serviceName, "the new replicas' p99 is " + Math.round(after.p99Seconds() * 1000)
                    + " ms, the old ones' " + Math.round(before.p99Seconds() * 1000) + " ms");
        }
    }

    /**
     * The instances' figures together: requests summed, the error ratio weighed by each one's
     * requests, the highest p99. Prometheus' NaN (no requests in the window) counts as none.
     */
    static Figures figures(List<String> instances, Map<String, Double> rates, Map<String, Double> errors,
                           Map<String, Double> p99s) {
        double requests = 0;
        double failed = 0;
        double p99 = Double.NaN;
        for (String id : instances) {
            double rate = rates.getOrDefault(id, Double.NaN);
            if (Double.isNaN(rate) || rate == 0) {
                continue;
            }
            requests += rate;
            double ratio = errors.getOrDefault(id, Double.NaN);
            failed += Double.isNaN(ratio) ? 0 : ratio * rate;
            double latency = p99s.getOrDefault(id, Double.NaN);
            p99 = Double.isNaN(latency) ? p99 : Double.isNaN(p99) ? latency : Math.max(p99, latency);
        }
        return new Figures(requests, requests == 0 ? 0 : failed / requests, p99);
    }

    private FigException refused(String serviceName, String why) {
        return new FigException("deploy of " + serviceName + " refused by its canary: " + why + "; the old replicas keep serving");
    }

    /** An instant query's samples by their {@code instance} label. */
    private Map<String, Double> query(String serviceName, String promQl) {
        String address;
        try {
            address = stack.port(PROMETHEUS, PROMETHEUS_PORT, 1).replace("0.0.0.0", "127.0.0.1");
        } catch (FigException e) {
            throw refused(serviceName, "Prometheus is not running (" + e.getMessage() + "), so the release cannot be judged");
        }
        URI uri = URI.create("http://" + address + "/api/v1/query?query=" + URLEncoder.encode(promQl, StandardCharsets.UTF_8));
        HttpResponse<String> response;
        try {
            response = new AccountClient("shop", project.service(PROMETHEUS).environment().getOrDefault("PROMETHEUS_PASSWORD", ""))
                    .send(HttpRequest.newBuilder(uri).GET());
        } catch (IOException e) {
            throw refused(serviceName, "Prometheus at " + address + " did not answer (" + e + "), so the release cannot be judged");
        }
        if (response.statusCode() != 200) {
            throw refused(serviceName, "Prometheus at " + address + " answered " + response.statusCode()
                    + ", so the release cannot be judged");
        }
        try {
            Map<String, Double> samples = new HashMap<>();
            for (JsonNode sample : Json.MAPPER.readTree(response.body()).path("data").path("result")) {
                samples.put(sample.path("metric").path("instance").asText(), Double.parseDouble(sample.path("value").path(1).asText()));
            }
            return samples;
        } catch (IOException | NumberFormatException e) {
            throw refused(serviceName, "Prometheus' answer to " + promQl + " was not readable (" + e.getMessage() + ")");
        }
    }
}
