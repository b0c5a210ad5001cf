package shop.profiles.token;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param secret seals the private keys in the database ({@link PrivateKeySeal}); no default
 * @param rotation how long one key signs before a new one takes over; the old one stays in the
 *                 JWKS for one token lifetime more, so tokens it signed keep working until they expire
 */
@ConfigurationProperties("shop.profiles.signing-key")
public record SigningKeyProperties(String secret, Duration rotation) {
}
