package shop.platform.observability;

import java.util.Map;

import shop.platform.config.PropertyDefaults;

/**
 * What every service shows of itself, as defaults below everything a service configures:
 * <ul>
 * <li>every request is traced. Spring Boot samples one in ten; a trace here is ids in the logs
 *     (W3C {@code traceparent}, carried over REST and gRPC), not spans sent to a collector, so each
 *     request gets one at the cost of a few objects, and a shopper's failed checkout can always be
 *     followed from the gateway on by its id;</li>
 * <li>{@code /actuator/prometheus} is exposed, to the stack's Prometheus only
 *     ({@link MetricsScrapeAutoConfiguration}), with a histogram of request times from 1 ms to
 *     10 s, so Prometheus can tell a release's p99 from its predecessor's.</li>
 * </ul>
 * Registered in META-INF/spring.factories.
 */
public class ObservabilityDefaults extends PropertyDefaults {

    public ObservabilityDefaults() {
        super("shopObservabilityDefaults", Map.of(
                "management.tracing.sampling.probability", "1.0",
                "management.endpoints.web.exposure.include", "health,info,prometheus",
                "management.metrics.distribution.percentiles-histogram.http.server.requests", "true",
                "management.metrics.distribution.minimum-expected-value.http.server.requests", "1ms",
                "management.metrics.distribution.maximum-expected-value.http.server.requests", "10s"));
    }
}
