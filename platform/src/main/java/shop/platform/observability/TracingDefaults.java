package shop.platform.observability;

import java.util.Map;

import shop.platform.config.PropertyDefaults;

/**
 * Every request is traced, as a default below everything a service configures itself. Spring
 * Boot samples one in ten; a trace here is ids in the logs (W3C {@code traceparent}, carried over
 * REST and gRPC), not spans sent to a collector, so each request gets one at the cost of a few
 * objects, and a shopper's failed checkout can always be followed from the gateway on by its id.
 *
 * <p>Registered in META-INF/spring.factories.
 */
public class TracingDefaults extends PropertyDefaults {

    public TracingDefaults() {
        super("shopTracingDefaults", Map.of("management.tracing.sampling.probability", "1.0"));
    }
}
