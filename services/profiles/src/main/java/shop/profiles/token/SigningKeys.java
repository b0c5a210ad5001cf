package shop.profiles.token;

import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import shop.profiles.ProfilesProperties;

/**
 * The RSA key pairs that sign login tokens, kept in the profiles database with their private parts
 * sealed ({@link PrivateKeySeal}), so every replica signs with the same key and tokens survive
 * restarts, while a copy of the database signs nothing.
 *
 * <p>Lifecycle: the newest key signs. Once it is older than the rotation period, the first replica
 * to look (once the application has started, then every minute) makes a new one; an advisory lock
 * makes replicas that look together agree on one. The JWKS publishes the signing key and every older key for one token
 * lifetime after its successor took over, so a token signed just before a rotation verifies until
 * it expires. A key stored unsealed (before sealing existed) is sealed at the first look. The first
 * look waits for the started application, not the constructor, because an image's AOT training run
 * creates every bean and stops before anything connects; a token asked for before it looks itself.
 */
@Component
public class SigningKeys {

    private static final long KEYS_LOCK = 0x5349474e4b4559L; // "SIGNKEY"

    private record StoredKey(String kid, byte[] privateKey, byte[] publicKey, Instant createdAt) {
    }

    /** What a look at the database found: the key that signs, and the public keys that verify. */
    private record Keys(RSAKey signing, JWKSet published) {
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final PrivateKeySeal seal;
    private final Duration rotation;
    private final Duration tokenTtl;
    private volatile Keys keys;

    SigningKeys(JdbcClient jdbc, TransactionTemplate transaction, SigningKeyProperties signing, ProfilesProperties profiles) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.seal = new PrivateKeySeal(signing.secret());
        this.rotation = signing.rotation();
        this.tokenTtl = profiles.tokenTtl();
    }

    /** A secret that cannot open the stored key, or a database without the table, fails the start. */
    @EventListener(ApplicationStartedEvent.class)
    void firstLook() {
        current();
    }

    /** Rotates when the signing key is due, and picks up a key another replica made. */
    @Scheduled(fixedDelay = 60_000, initialDelay = 60_000)
    void refresh() {
        keys = transaction.execute(status -> look());
    }

    /** The key that signs new tokens, with its private part and key id. */
    RSAKey signingKey() {
        return current().signing();
    }

    /** What {@code /.well-known/jwks.json} publishes, and what profiles verifies with: public parts only. */
    public JWKSet publicKeys() {
        return current().published();
    }

    private Keys current() {
        Keys found = keys;
        if (found == null) {
            synchronized (this) {
                if (keys == null) {
                    refresh();
                }
                found = keys;
            }
        }
        return found;
    }

    private Keys look() {
        jdbc.sql("select pg_advisory_xact_lock(?)").param(KEYS_LOCK).query().singleRow();
        List<StoredKey> stored = new ArrayList<>(jdbc.sql(
                        "select kid, private_key, public_key, created_at from signing_key order by created_at desc")
                .query((row, n) -> new StoredKey(row.getString("kid"), row.getBytes("private_key"),
                        row.getBytes("public_key"), row.getTimestamp("created_at").toInstant()))
                .list());
        for (StoredKey key : stored) {
            if (!PrivateKeySeal.isSealed(key.privateKey())) {
                jdbc.sql("update signing_key set private_key = ? where kid = ?")
                        .params(seal.seal(key.kid(), key.privateKey()), key.kid()).update();
            }
        }
        Instant now = Instant.now();
        if (stored.isEmpty() || stored.get(0).createdAt().isBefore(now.minus(rotation))) {
            stored.add(0, create(now));
        }
        StoredKey newest = stored.get(0);
        RSAKey current = keys == null ? null : keys.signing();
        if (current != null && current.getKeyID().equals(newest.kid())) {
            // The same key as at the last look: no second PBKDF2 run to open it again.
            return new Keys(current, published(stored, now));
        }
        byte[] privateKey = PrivateKeySeal.isSealed(newest.privateKey()) ? seal.open(newest.kid(), newest.privateKey())
                : newest.privateKey();
        return new Keys(rsaKey(newest.kid(), newest.publicKey(), privateKey), published(stored, now));
    }

    /** The newest key's public part, and each older one's for one token lifetime after its successor took over. */
    private JWKSet published(List<StoredKey> stored, Instant now) {
        List<JWK> published = new ArrayList<>();
        published.add(rsaKey(stored.get(0).kid(), stored.get(0).publicKey(), null));
        for (int i = 1; i < stored.size(); i++) {
            Instant replaced = stored.get(i - 1).createdAt();
            if (replaced.isAfter(now.minus(tokenTtl))) {
                published.add(rsaKey(stored.get(i).kid(), stored.get(i).publicKey(), null));
            }
        }
        return new JWKSet(published);
    }

    private StoredKey create(Instant now) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            String kid = UUID.randomUUID().toString();
            jdbc.sql("insert into signing_key (kid, private_key, public_key, created_at) values (?, ?, ?, ?)")
                    .params(kid, seal.seal(kid, pair.getPrivate().getEncoded()), pair.getPublic().getEncoded(),
                            Timestamp.from(now))
                    .update();
            return new StoredKey(kid, pair.getPrivate().getEncoded(), pair.getPublic().getEncoded(), now);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("generate an RSA signing key: " + e.getMessage(), e);
        }
    }

    private static RSAKey rsaKey(String kid, byte[] publicKey, byte[] privateKey) {
        try {
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            RSAKey.Builder key = new RSAKey.Builder((RSAPublicKey) rsa.generatePublic(new X509EncodedKeySpec(publicKey)))
                    .keyID(kid)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256);
            if (privateKey != null) {
                key.privateKey((RSAPrivateKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(privateKey)));
            }
            return key.build();
        } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
            throw new IllegalStateException("read signing key " + kid + ": " + e.getMessage(), e);
        }
    }
}
