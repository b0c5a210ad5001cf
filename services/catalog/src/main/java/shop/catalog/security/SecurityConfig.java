package shop.catalog.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import shop.platform.security.ResourceServer;

/** Anyone may read the catalog; only an ADMIN may change it. */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

    @Bean
    SecurityFilterChain security(HttpSecurity http) {
        return ResourceServer.publicReadsAdminWrites(http, "/api/catalog/**");
    }
}
