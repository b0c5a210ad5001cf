package shop.inventory.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import shop.platform.security.ResourceServer;

/** Anyone may read stock levels; only an ADMIN may set them. */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

    @Bean
    SecurityFilterChain security(HttpSecurity http) {
        return ResourceServer.publicReadsAdminWrites(http, "/api/inventory/**");
    }
}
