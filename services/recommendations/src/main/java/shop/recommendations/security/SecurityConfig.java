package shop.recommendations.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import shop.platform.security.ResourceServer;

/** Anyone may read recommendations (the product page does, signed in or not); dead letters are ADMIN's. */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

    @Bean
    SecurityFilterChain security(HttpSecurity http) {
        return ResourceServer.publicReadsAdminWrites(http, "/api/recommendations/**");
    }
}
