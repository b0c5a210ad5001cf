package shop.platform.observability;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.tracer.common.SpanContext;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * No exemplars in the metrics: with a trace in every request, Micrometer writes one on each
 * timer's {@code _count}, and the stack's Prometheus (2.42, Debian 12's) refuses every scrape that
 * carries one ("does not support exemplars"). A span context that is never sampled, in place of
 * Spring Boot's, attaches none; a request's trace id is in its log lines instead.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.micrometer.tracing.autoconfigure.prometheus.PrometheusExemplarsAutoConfiguration")
@ConditionalOnClass({PrometheusMeterRegistry.class, SpanContext.class})
public class NoExemplarsAutoConfiguration {

    @Bean
    SpanContext neverSampled() {
        return new SpanContext() {
            @Override
            public String getCurrentTraceId() {
                return null;
            }

            @Override
            public String getCurrentSpanId() {
                return null;
            }

            @Override
            public boolean isCurrentSpanSampled() {
                return false;
            }

            @Override
            public void markCurrentSpanAsExemplar() {
            }
        };
    }
}
