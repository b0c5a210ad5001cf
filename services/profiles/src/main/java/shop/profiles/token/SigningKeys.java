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
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The RSA key pair that signs login tokens. Generated at the first start and kept in the
 * profiles database, so every replica signs with the same key and tokens survive restarts.
 * An advisory lock makes replicas that start together agree on one key.
 */
@Component
public class SigningKeys {

    private static final long CREATE_LOCK = 0x5349474e4b4559L; // "SIGNKEY"

    private final RSAKey signingKey;
    private final JWKSet publicKeys;

    SigningKeys(JdbcClient jdbc, TransactionTemplate transaction) {
        this.signingKey = transaction.execute(status -> loadOrCreate(jdbc));
        List<RSAKey> all = jdbc.sql("select kid, private_key, public_key from signing_key order by created_at")
                .query((row, n) -> rsaKey(row.getString("kid"), row.getBytes("public_key"), null))
                .list();
        this.publicKeys = new JWKSet(List.copyOf(all));
    }

    /** The key that signs new tokens, with its private part and key id. */
    RSAKey signingKey() {
        return signingKey;
    }

    /** What {@code /.well-known/jwks.json} publishes: public parts only. */
    JWKSet publicKeys() {
        return publicKeys;
    }

    public RSAPublicKey publicKey() {
        try {
            return signingKey.toRSAPublicKey();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException("signing key " + signingKey.getKeyID() + ": " + e.getMessage(), e);
        }
    }

    private static RSAKey loadOrCreate(JdbcClient jdbc) {
        jdbc.sql("select pg_advisory_xact_lock(?)").param(CREATE_LOCK).query().singleRow();
        return jdbc.sql("select kid, private_key, public_key from signing_key order by created_at desc limit 1")
                .query((row, n) -> rsaKey(row.getString("kid"), row.getBytes("public_key"), row.getBytes("private_key")))
                .optional()
                .orElseGet(() -> create(jdbc));
    }

    private static RSAKey create(JdbcClient jdbc) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            String kid = UUID.randomUUID().toString();
            jdbc.sql("insert into signing_key (kid, private_key, public_key) values (?, ?, ?)")
                    .params(kid, pair.getPrivate().getEncoded(), pair.getPublic().getEncoded())
                    .update();
            return rsaKey(kid, pair.getPublic().getEncoded(), pair.getPrivate().getEncoded());
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
                    .algorithm(com.nimbusds.jose.JWSAlgorithm.RS256);
            if (privateKey != null) {
                key.privateKey((RSAPrivateKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(privateKey)));
            }
            return key.build();
        } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
            throw new IllegalStateException("read signing key " + kid + ": " + e.getMessage(), e);
        }
    }
}
