package shop.platform.observability;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.SecurityFilterChain;

/**
 * {@code /actuator/prometheus} answers the stack's Prometheus alone: HTTP Basic as
 * {@value #USER} with the stack's generated {@code METRICS_PASSWORD}. Without that password
 * nobody may read it. A chain of its own, ahead of each service's token chain, because a scraper
 * carries no user's token.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({SecurityFilterChain.class, PrometheusMeterRegistry.class})
public class MetricsScrapeAutoConfiguration {

    public static final String USER = "prometheus";
    static final String PATH = "/actuator/prometheus";

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityFilterChain metricsScrapeChain(HttpSecurity http, Environment environment) throws Exception {
        String password = environment.getProperty("METRICS_PASSWORD", "");
        return http.securityMatcher(PATH)
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(basic -> basic.realmName("metrics"))
                .authenticationManager(attempt -> check(attempt, password))
                .authorizeHttpRequests(requests -> {
                    if (password.isEmpty()) {
                        requests.anyRequest().denyAll();
                    } else {
                        requests.anyRequest().authenticated();
                    }
                })
                .build();
    }

    /** The scraper's account, its password compared in constant time. */
    private static Authentication check(Authentication attempt, String password) {
        byte[] given = String.valueOf(attempt.getCredentials()).getBytes(StandardCharsets.UTF_8);
        if (password.isEmpty() || !USER.equals(attempt.getName())
                || !MessageDigest.isEqual(given, password.getBytes(StandardCharsets.UTF_8))) {
            throw new BadCredentialsException("not the metrics account");
        }
        return UsernamePasswordAuthenticationToken.authenticated(USER, null, List.of());
    }
}
