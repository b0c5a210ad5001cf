package shop.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

/**
 * Stands in for profiles in a single service's tests: an RS256 key whose JWK Set is served over
 * real HTTP on loopback, and tokens signed with it. The service under test fetches and checks
 * them exactly as it checks profiles' tokens; the tests through the gateway use real profiles.
 * A Spring test class marked {@link TrustsTestTokens} gets one as a bean, with the service
 * pointed at it.
 */
public final class TestTokens implements AutoCloseable {

    public static final String ISSUER = "shop-profiles";
    public static final String AUDIENCE = "shop";

    private final RSAKey key;
    private final HttpServer server;

    public TestTokens() {
        key = generateKey();
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        server.createContext("/jwks.json", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(jwks);
            }
        });
        server.start();
    }

    public String jwksUri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json";
    }

    /** A valid token for this account id with these roles (SHOPPER, ADMIN). */
    public String token(UUID accountId, String... roles) {
        return sign(key, ISSUER, AUDIENCE, accountId, Instant.now().plus(Duration.ofHours(1)), roles);
    }

    public String expiredToken(UUID accountId, String... roles) {
        return sign(key, ISSUER, AUDIENCE, accountId, Instant.now().minus(Duration.ofHours(1)), roles);
    }

    public String tokenFromAnotherIssuer(UUID accountId, String... roles) {
        return sign(key, "someone-else", AUDIENCE, accountId, Instant.now().plus(Duration.ofHours(1)), roles);
    }

    /** From the right issuer and key, but meant for something other than the shop's API. */
    public String tokenForAnotherAudience(UUID accountId, String... roles) {
        return sign(key, ISSUER, "billing-reports", accountId, Instant.now().plus(Duration.ofHours(1)), roles);
    }

    /** Well-formed, but signed by a key the JWK Set does not hold. */
    public String tokenSignedByAStranger(UUID accountId, String... roles) {
        return sign(generateKey(), ISSUER, AUDIENCE, accountId, Instant.now().plus(Duration.ofHours(1)), roles);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static String sign(RSAKey key, String issuer, String audience, UUID subject, Instant expiresAt, String... roles) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience)
                .subject(subject.toString())
                .issueTime(Date.from(Instant.now().minus(Duration.ofMinutes(2))))
                .expirationTime(Date.from(expiresAt))
                .claim("roles", List.of(roles))
                .build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RSAKey generateKey() {
        try {
            return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
