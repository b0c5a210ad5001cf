package shop.discovery;

import static org.springframework.security.config.Customizer.withDefaults;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Eureka decides where the JWKS, the gateway's routes and every gRPC channel go, so an anonymous
 * caller who could register a fake PROFILES or PAYMENT would receive logins and card numbers.
 * Registration, renewal, reads, deletion and the dashboard all need the stack's Eureka account
 * (HTTP Basic: {@code EUREKA_USER}, {@code EUREKA_PASSWORD}); only the health status is public, for
 * the container's health check. CSRF is off because every caller is a client sending credentials
 * with each request, never a browser session that another site could ride.
 */
@Configuration(proxyBeanMethods = false)
class DiscoverySecurity {

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        return http
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(HttpMethod.GET, "/actuator/health").permitAll()
                        .anyRequest().authenticated())
                .httpBasic(withDefaults())
                .csrf(csrf -> csrf.disable())
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .build();
    }
}
