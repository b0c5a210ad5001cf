package shop.gateway;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What the gateway routes and how long it waits.
 *
 * @param services the services routed as {@code /api/{service}/**} to {@code lb://{service}}
 * @param timeout how long one call may take before the time limiter answers with the fallback
 * @param breakerWaitInOpenState how long an open breaker short-circuits before it tries again
 * @param jwksUri where profiles publishes the keys that sign login tokens (a service name, resolved by discovery)
 * @param tokenIssuer the {@code iss} every token must carry
 * @param tokenAudience what every token's {@code aud} must contain
 */
@ConfigurationProperties("shop.gateway")
record GatewayProperties(List<String> services, Duration timeout, Duration breakerWaitInOpenState,
        String jwksUri, String tokenIssuer, String tokenAudience) {
}
