package shop.platform.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where a service finds the keys that check login tokens.
 *
 * @param issuer the {@code iss} every token must carry
 * @param audience what every token's {@code aud} must contain: the shop's API
 * @param jwksUri the JWK Set of profiles; by default a service name resolved through discovery
 * @param jwksLoadBalanced whether the host of {@code jwksUri} is a service name (true) or a real host
 */
@ConfigurationProperties("shop.security")
public record TokenProperties(String issuer, String audience, String jwksUri, Boolean jwksLoadBalanced) {

    public TokenProperties {
        issuer = issuer == null ? "shop-profiles" : issuer;
        audience = audience == null ? "shop" : audience;
        jwksUri = jwksUri == null ? "http://profiles/.well-known/jwks.json" : jwksUri;
        jwksLoadBalanced = jwksLoadBalanced == null || jwksLoadBalanced;
    }
}
