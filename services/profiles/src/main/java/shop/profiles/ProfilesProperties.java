package shop.profiles;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param tokenTtl how long a login token is valid
 * @param issuer the {@code iss} claim of every token
 * @param audience the {@code aud} claim of every token: the shop's API, which every service checks
 * @param adminEmail the ADMIN account created at first start
 * @param adminPassword its password; blank means no admin account (fig generates one for its stack)
 * @param currency what an empty cart is priced in
 */
@ConfigurationProperties("shop.profiles")
public record ProfilesProperties(Duration tokenTtl, String issuer, String audience, String adminEmail, String adminPassword,
        String currency) {
}
