package shop.gateway;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.io.IOException;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JConfigBuilder;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.cloud.gateway.support.NotFoundException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;

/**
 * One route per service: {@code /api/{service}/**} goes unchanged to {@code lb://{service}},
 * through a circuit breaker and a time limiter named after the service, with one retry of a read
 * whose instance could not be reached. When the breaker or the limiter trips,
 * {@link FallbackController} answers 503 problem+json instead of an error page or a hang.
 */
@Configuration(proxyBeanMethods = false)
class Routes {

    @Bean
    RouteLocator serviceRoutes(RouteLocatorBuilder builder, GatewayProperties properties) {
        RouteLocatorBuilder.Builder routes = builder.routes();
        for (String service : properties.services()) {
            routes.route(service, route -> route
                    .path("/api/" + service + "/**")
                    .filters(filter -> filter
                            .circuitBreaker(breaker -> breaker
                                    .setName(service)
                                    .setFallbackUri("forward:/fallback/" + service))
                            // An instance that went away (stopped, crashed, drained late) refuses or
                            // drops the connection; a read tries once more, and the load balancer
                            // picks the next instance. Answers, 5xx included, are the service's own.
                            .retry(retry -> retry
                                    .setRetries(1)
                                    .setMethods(HttpMethod.GET, HttpMethod.HEAD)
                                    .setSeries()
                                    .setExceptions(IOException.class)))
                    .uri("lb://" + service));
        }
        return routes.build();
    }

    @Bean
    Customizer<ReactiveResilience4JCircuitBreakerFactory> breakerDefaults(GatewayProperties properties) {
        CircuitBreakerConfig breaker = CircuitBreakerConfig.custom()
                .slidingWindowSize(20)
                .minimumNumberOfCalls(10)
                .waitDurationInOpenState(properties.breakerWaitInOpenState())
                // "No instance" before a service has registered is not the service failing;
                // counting it opened breakers at start-up for a minute.
                .ignoreExceptions(NotFoundException.class)
                .build();
        TimeLimiterConfig limiter = TimeLimiterConfig.custom()
                .timeoutDuration(properties.timeout())
                .cancelRunningFuture(true)
                .build();
        return factory -> factory.configureDefault(id -> new Resilience4JConfigBuilder(id)
                .circuitBreakerConfig(breaker)
                .timeLimiterConfig(limiter)
                .build());
    }
}
