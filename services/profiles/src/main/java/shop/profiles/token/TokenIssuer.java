package shop.profiles.token;

import java.time.Instant;
import java.util.List;

import com.nimbusds.jose.jwk.JWKSet;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.stereotype.Component;
import shop.profiles.ProfilesProperties;
import shop.profiles.account.Account;

/**
 * Issues RS256 login tokens: subject is the account id, {@code roles} the account's role, which
 * services map to {@code ROLE_SHOPPER} or {@code ROLE_ADMIN}.
 */
@Component
class TokenIssuer {

    record IssuedToken(String token, Instant expiresAt) {
    }

    private final SigningKeys keys;
    private final JwtEncoder encoder;
    private final ProfilesProperties properties;

    TokenIssuer(SigningKeys keys, ProfilesProperties properties) {
        this.keys = keys;
        // Asks for the signing key at each token: after a rotation the new key signs at once.
        this.encoder = new NimbusJwtEncoder((selector, context) -> selector.select(new JWKSet(keys.signingKey())));
        this.properties = properties;
    }

    IssuedToken issue(Account account) {
        Instant now = Instant.now();
        Instant expiresAt = now.plus(properties.tokenTtl());
        JwtClaimsSet claims = JwtClaimsSet.builder()
                .issuer(properties.issuer())
                .audience(List.of(properties.audience()))
                .subject(account.getId().toString())
                .issuedAt(now)
                .expiresAt(expiresAt)
                .claim("email", account.getEmail())
                .claim("name", account.getName())
                .claim("roles", List.of(account.getRole().name()))
                .build();
        JwsHeader header = JwsHeader.with(SignatureAlgorithm.RS256).keyId(keys.signingKey().getKeyID()).build();
        return new IssuedToken(encoder.encode(JwtEncoderParameters.from(header, claims)).getTokenValue(), expiresAt);
    }
}
