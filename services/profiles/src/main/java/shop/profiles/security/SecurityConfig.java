package shop.profiles.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import shop.platform.security.ResourceServer;
import shop.platform.security.TokenValidators;
import shop.profiles.ProfilesProperties;
import shop.profiles.token.SigningKeys;

/** Signing up, logging in and the JWKS are public; the dead letters need ADMIN; everything else a token. */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        return http.with(ResourceServer.defaults(), resourceServer -> {
        })
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(HttpMethod.POST, "/api/profiles/register", "/api/profiles/login").permitAll()
                        .requestMatchers(HttpMethod.GET, "/.well-known/jwks.json", "/actuator/health/**",
                                "/actuator/info").permitAll()
                        .requestMatchers(ResourceServer.DEAD_LETTERS).hasRole("ADMIN")
                        .requestMatchers("/error").permitAll()
                        .anyRequest().authenticated())
                .build();
    }

    /**
     * Profiles checks its own tokens against the keys it publishes, read in memory: no JWKS round
     * trip to itself, and a token signed by the key before a rotation still verifies.
     */
    @Bean
    JwtDecoder jwtDecoder(SigningKeys keys, ProfilesProperties properties) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
                (selector, context) -> selector.select(keys.publicKeys())));
        // Spring's validators below check the claims; Nimbus' own would duplicate them.
        processor.setJWTClaimsSetVerifier((claims, context) -> {
        });
        NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor);
        decoder.setJwtValidator(TokenValidators.of(properties.issuer(), properties.audience()));
        return decoder;
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return new BCryptPasswordEncoder();
    }
}
