package shop.platform.security;

import java.io.IOException;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.web.SecurityFilterChain;

/**
 * How every service is an OAuth2 resource server for the tokens profiles issues: stateless,
 * roles from the {@code roles} claim ({@code ADMIN} becomes {@code ROLE_ADMIN}), and a 401 or
 * 403 answered as problem+json like every other error. A service adds its own rules:
 * <pre>
 * http.with(ResourceServer.defaults(), Customizer.withDefaults())
 *     .authorizeHttpRequests(...)
 * </pre>
 */
public final class ResourceServer extends AbstractHttpConfigurer<ResourceServer, HttpSecurity> {

    private ResourceServer() {
    }

    public static ResourceServer defaults() {
        return new ResourceServer();
    }

    /** The operator's dead letters of a service that consumes events (see shop.platform.events). */
    public static final String[] DEAD_LETTERS = {"/actuator/deadletters", "/actuator/deadletters/**"};

    /** The whole chain of a service whose API anyone may read and only an ADMIN may change. */
    public static SecurityFilterChain publicReadsAdminWrites(HttpSecurity http, String apiPattern) {
        return http.with(defaults(), resourceServer -> {
        })
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(HttpMethod.GET, apiPattern, "/actuator/health/**", "/actuator/info").permitAll()
                        .requestMatchers("/error").permitAll()
                        .requestMatchers(DEAD_LETTERS).hasRole("ADMIN")
                        .requestMatchers(apiPattern).hasRole("ADMIN")
                        .anyRequest().denyAll())
                .build();
    }

    @Override
    public void init(HttpSecurity http) {
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .exceptionHandling(errors -> errors
                        .authenticationEntryPoint((request, response, e) -> problem(response, HttpStatus.UNAUTHORIZED,
                                "Sign in first: this needs a valid bearer token."))
                        .accessDeniedHandler((request, response, e) -> problem(response, HttpStatus.FORBIDDEN,
                                "Your account may not do this.")))
                .oauth2ResourceServer(server -> server
                        .authenticationEntryPoint((request, response, e) -> problem(response, HttpStatus.UNAUTHORIZED,
                                "The bearer token is missing, expired or invalid."))
                        .jwt(jwt -> jwt.jwtAuthenticationConverter(rolesClaimConverter())));
    }

    static JwtAuthenticationConverter rolesClaimConverter() {
        JwtGrantedAuthoritiesConverter authorities = new JwtGrantedAuthoritiesConverter();
        authorities.setAuthoritiesClaimName("roles");
        authorities.setAuthorityPrefix("ROLE_");
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(authorities);
        return converter;
    }

    private static void problem(HttpServletResponse response, HttpStatus status, String detail) throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (status == HttpStatus.UNAUTHORIZED) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        // Fixed texts only, so a hand-built JSON body cannot be broken by its content.
        response.getWriter().write(String.format(
                "{\"type\":\"about:blank\",\"title\":\"%s\",\"status\":%d,\"detail\":\"%s\"}",
                status.getReasonPhrase(), status.value(), detail));
    }
}
