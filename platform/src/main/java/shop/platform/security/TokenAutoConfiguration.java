package shop.platform.security;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClient;
import org.springframework.cloud.client.loadbalancer.LoadBalancerInterceptor;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.web.client.RestTemplate;

/**
 * Checks tokens against the JWK Set that profiles publishes, found through discovery. The set is
 * fetched on the first token, cached, and fetched again when a token names an unknown key, so a
 * service starts before profiles does. Profiles itself defines its own decoder.
 */
@AutoConfiguration
@ConditionalOnClass({JwtDecoder.class, LoadBalancerClient.class})
@EnableConfigurationProperties(TokenProperties.class)
public class TokenAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    JwtDecoder jwtDecoder(TokenProperties properties, ObjectProvider<LoadBalancerClient> loadBalancer) {
        RestTemplate jwksClient = new RestTemplate();
        if (properties.jwksLoadBalanced()) {
            jwksClient.getInterceptors().add(new LoadBalancerInterceptor(loadBalancer.getObject()));
        }
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(properties.jwksUri()).restOperations(jwksClient).build();
        decoder.setJwtValidator(TokenValidators.of(properties.issuer(), properties.audience()));
        return decoder;
    }
}
