package shop.profiles.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import shop.testing.FreshBroker;
import shop.testing.FreshDatabase;

/** Replicas, and restarts, sign with the one key kept in the database. */
@FreshDatabase
@FreshBroker
@SpringBootTest(properties = "eureka.client.enabled=false")
class SigningKeysTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate transaction;

    @Autowired
    SigningKeys running;

    @Test
    void replicasStartingTogetherAgreeOnOneKey() throws Exception {
        jdbc.sql("delete from signing_key").update();
        Callable<String> replicaStart = () -> new SigningKeys(jdbc, transaction).signingKey().getKeyID();
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
        SigningKeys restarted = new SigningKeys(jdbc, transaction);
        assertThat(restarted.signingKey().getKeyID()).isEqualTo(running.signingKey().getKeyID());
        assertThat(restarted.signingKey().isPrivate()).isTrue();
        assertThat(restarted.publicKeys().getKeys()).allSatisfy(key -> assertThat(key.isPrivate()).isFalse());
    }
}
