package shop.shipping.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import shop.platform.security.ResourceServer;

/**
 * Anyone may ask for a quote (the front-end does, before sign-in); the rest of the API needs a
 * token, and the dead letters the ADMIN role.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

    @Bean
    SecurityFilterChain security(HttpSecurity http) {
        return http.with(ResourceServer.defaults(), resourceServer -> {
        })
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(HttpMethod.POST, "/api/shipping/quotes").permitAll()
                        .requestMatchers(HttpMethod.GET, "/actuator/health/**", "/actuator/info").permitAll()
                        .requestMatchers(ResourceServer.DEAD_LETTERS).hasRole("ADMIN")
                        .requestMatchers("/error").permitAll()
                        .requestMatchers("/api/shipping/**").authenticated()
                        .anyRequest().denyAll())
                .build();
    }
}
