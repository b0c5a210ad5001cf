package shop.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import reactor.core.publisher.Mono;

/**
 * The gateway's {@code /actuator/prometheus} answers the stack's Prometheus alone, as every
 * service's does (platform's MetricsScrapeAutoConfiguration, which the gateway does not share):
 * HTTP Basic as {@code prometheus} with the stack's {@code METRICS_PASSWORD}; without one, nobody.
 * The gateway is published, so this matters most here.
 */
@Configuration(proxyBeanMethods = false)
class MetricsScrape {

    private static final String USER = "prometheus";

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityWebFilterChain metricsScrapeChain(ServerHttpSecurity http, @Value("${METRICS_PASSWORD:}") String password) {
        return http.securityMatcher(ServerWebExchangeMatchers.pathMatchers("/actuator/prometheus"))
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .httpBasic(basic -> basic.authenticationManager(attempt -> check(attempt, password)))
                .authorizeExchange(exchanges -> {
                    if (password.isEmpty()) {
                        exchanges.anyExchange().denyAll();
                    } else {
                        exchanges.anyExchange().authenticated();
                    }
                })
                .build();
    }

    /** The scraper's account, its password compared in constant time. */
    private static Mono<Authentication> check(Authentication attempt, String password) {
        byte[] given = String.valueOf(attempt.getCredentials()).getBytes(StandardCharsets.UTF_8);
        if (password.isEmpty() || !USER.equals(attempt.getName())
                || !MessageDigest.isEqual(given, password.getBytes(StandardCharsets.UTF_8))) {
            return Mono.error(new BadCredentialsException("not the metrics account"));
        }
        return Mono.just(UsernamePasswordAuthenticationToken.authenticated(USER, null, List.of()));
    }
}
