package shop.platform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import shop.testing.TestDatabases;

/**
 * A service's database before and after platform took the outbox and inbox tables over, migrated
 * by Flyway on the real PostgreSQL: one that ran the service's old migration (which created the
 * tables) migrates on with its rows, a new one gets the tables from platform's scripts, and a
 * migration changed for any other reason is refused as Flyway always refused it.
 */
class EventTablesMigrationTest {

    TestDatabases.TestDatabase database;
    JdbcClient jdbc;

    @BeforeEach
    void freshDatabase() {
        database = TestDatabases.create("eventtables");
        jdbc = JdbcClient.create(new SimpleDriverDataSource(new Driver(), database.jdbcUrl(),
                database.username(), database.password()));
    }

    @Test
    void aDatabaseThatCreatedTheTablesItselfMigratesOnWithItsRows() {
        flyway("classpath:event-tables/before").migrate();
        UUID handled = UUID.randomUUID();
        jdbc.sql("insert into inbox (consumer, event_id) values ('shop.order.placed', ?)").param(handled).update();
        jdbc.sql("insert into outbox (event_id, type, aggregate_id, envelope) values (?, 'order.placed', 'o-1', '{}')")
                .param(UUID.randomUUID()).update();

        Flyway now = flyway("classpath:event-tables/now", EventTablesAutoConfiguration.OUTBOX,
                EventTablesAutoConfiguration.INBOX);
        new EventTablesMigration(List.of("1")).migrate(now);
        // The next start finds nothing left to accept.
        new EventTablesMigration(List.of("1")).migrate(now);

        assertThat(jdbc.sql("select event_id from inbox").query(UUID.class).list()).containsExactly(handled);
        assertThat(jdbc.sql("select count(*) from outbox").query(Long.class).single()).isOne();
        assertThat(jdbc.sql("select discount_cents from placed_order").query(Long.class).list()).isEmpty();
        assertThat(now.validateWithResult().validationSuccessful).isTrue();
    }

    @Test
    void aNewDatabaseGetsTheTablesFromPlatform() {
        new EventTablesMigration(List.of("1")).migrate(flyway("classpath:event-tables/now",
                EventTablesAutoConfiguration.OUTBOX, EventTablesAutoConfiguration.INBOX));

        assertThat(jdbc.sql("select to_regclass('inbox') is not null and to_regclass('outbox') is not null "
                + "and to_regclass('outbox_unsent') is not null").query(Boolean.class).single()).isTrue();
    }

    @Test
    void aMigrationChangedForAnyOtherReasonIsStillRefused() {
        flyway("classpath:event-tables/before").migrate();
        Flyway now = flyway("classpath:event-tables/now", EventTablesAutoConfiguration.OUTBOX,
                EventTablesAutoConfiguration.INBOX);

        assertThatThrownBy(() -> new EventTablesMigration(List.of()).migrate(now))
                .isInstanceOf(FlywayValidateException.class).hasMessageContaining("checksum mismatch");
        assertThatThrownBy(() -> new EventTablesMigration(List.of("2")).migrate(now))
                .isInstanceOf(FlywayValidateException.class).hasMessageContaining("checksum mismatch");
    }

    private Flyway flyway(String... locations) {
        return Flyway.configure().dataSource(database.jdbcUrl(), database.username(), database.password())
                .locations(locations).load();
    }
}
