package shop.profiles.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.nimbusds.jose.jwk.JWK;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import shop.profiles.ProfilesProperties;
import shop.testing.FreshBroker;
import shop.testing.FreshDatabase;

/** Replicas and restarts sign with the one key in the database, sealed there, and rotated on time. */
@FreshDatabase
@FreshBroker
@SpringBootTest(properties = "eureka.client.enabled=false")
class SigningKeysTest {

    private static final String SECRET = "test-only-signing-key-secret";

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate transaction;

    @Autowired
    ProfilesProperties profiles;

    @Autowired
    SigningKeys running;

    @BeforeEach
    void oneFreshKey() {
        jdbc.sql("delete from signing_key").update();
        running.refresh();
    }

    private SigningKeys replica(String secret, Duration rotation) {
        return new SigningKeys(jdbc, transaction, new SigningKeyProperties(secret, rotation), profiles);
    }

    private SigningKeys replica() {
        return replica(SECRET, Duration.ofDays(30));
    }

    @Test
    void replicasStartingTogetherAgreeOnOneKey() throws Exception {
        jdbc.sql("delete from signing_key").update();
        Callable<String> replicaStart = () -> replica().signingKey().getKeyID();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> kids = pool.invokeAll(List.of(replicaStart, replicaStart, replicaStart, replicaStart));
            String first = kids.get(0).get();
            for (Future<String> kid : kids) {
                assertThat(kid.get()).isEqualTo(first);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(jdbc.sql("select count(*) from signing_key").query(Long.class).single()).isOne();
    }

    @Test
    void aRestartKeepsTheKeyAndPublishesOnlyItsPublicPart() {
        SigningKeys restarted = replica();
        assertThat(restarted.signingKey().getKeyID()).isEqualTo(running.signingKey().getKeyID());
        assertThat(restarted.signingKey().isPrivate()).isTrue();
        assertThat(restarted.publicKeys().getKeys()).allSatisfy(key -> assertThat(key.isPrivate()).isFalse());
    }

    @Test
    void theDatabaseHoldsThePrivateKeySealedNotAsPkcs8() throws Exception {
        byte[] stored = jdbc.sql("select private_key from signing_key").query(byte[].class).single();
        byte[] privateKey = running.signingKey().toRSAPrivateKey().getEncoded();

        assertThat(PrivateKeySeal.isSealed(stored)).isTrue();
        assertThat(new String(stored, StandardCharsets.ISO_8859_1))
                .doesNotContain(new String(privateKey, 26, 64, StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(stored)))
                .as("what a copy of the database gives").isInstanceOf(Exception.class);
    }

    @Test
    void anotherSecretCannotOpenTheKeyAndProfilesSaysSo() {
        assertThatThrownBy(() -> replica("some-other-secret", Duration.ofDays(30)).firstLook())
                .hasStackTraceContaining("sealed with another SHOP_SIGNING_KEY_SECRET");
        assertThatThrownBy(() -> replica("", Duration.ofDays(30)))
                .hasMessageContaining("SHOP_SIGNING_KEY_SECRET) is not set");
    }

    @Test
    void aReplicaLooksAtTheDatabaseOnlyOnceStarted() {
        // An image's AOT training run creates every bean with no database to reach.
        jdbc.sql("delete from signing_key").update();
        SigningKeys replica = replica();
        assertThat(jdbc.sql("select count(*) from signing_key").query(Long.class).single()).isZero();

        replica.firstLook();
        assertThat(jdbc.sql("select count(*) from signing_key").query(Long.class).single()).isOne();
    }

    @Test
    void aKeyStoredUnsealedIsSealedAtTheNextStart() throws Exception {
        String kid = running.signingKey().getKeyID();
        byte[] plain = running.signingKey().toRSAPrivateKey().getEncoded();
        jdbc.sql("update signing_key set private_key = ? where kid = ?").params(plain, kid).update();

        assertThat(replica().signingKey().getKeyID()).isEqualTo(kid);
        assertThat(PrivateKeySeal.isSealed(jdbc.sql("select private_key from signing_key").query(byte[].class).single()))
                .isTrue();
    }

    @Test
    void aDueKeyIsReplacedAndStillVerifiesForOneTokenLifetime() {
        String old = running.signingKey().getKeyID();
        jdbc.sql("update signing_key set created_at = now() - interval '31 days'").update();

        SigningKeys rotated = replica();
        String fresh = rotated.signingKey().getKeyID();
        assertThat(fresh).isNotEqualTo(old);
        assertThat(rotated.publicKeys().getKeys()).extracting(JWK::getKeyID).containsExactly(fresh, old);

        // One token lifetime after the new key took over, the old one verifies nothing any more.
        jdbc.sql("update signing_key set created_at = created_at - ?::interval")
                .param(profiles.tokenTtl().plusMinutes(1).toSeconds() + " seconds").update();
        running.refresh();
        assertThat(running.signingKey().getKeyID()).isEqualTo(fresh);
        assertThat(running.publicKeys().getKeys()).extracting(JWK::getKeyID).containsExactly(fresh);
    }
}
