package shop.platform.events;

import java.util.List;
import java.util.Set;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.CoreErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;

/**
 * Migrates a service's database as Flyway does, after accepting the one change of the past that
 * Flyway would refuse: the service's own migrations that created its outbox or inbox table before
 * platform owned it no longer do, so a database that ran one of them records a checksum the file no
 * longer has. When those migrations, named by the service, are the only applied ones whose checksum
 * changed, their recorded checksums are brought up to date (Flyway's repair) and the migration goes
 * on: once per database, since afterwards nothing differs. Any other changed migration is refused
 * by Flyway's own validation, as before.
 */
final class EventTablesMigration implements FlywayMigrationStrategy {

    private static final Logger log = LoggerFactory.getLogger(EventTablesMigration.class);

    private final Set<String> versions;

    /** @param versions the migrations that created the tables, as Flyway writes their versions ("3") */
    EventTablesMigration(List<String> versions) {
        this.versions = Set.copyOf(versions);
    }

    @Override
    public void migrate(Flyway flyway) {
        if (!versions.isEmpty()) {
            List<String> changed = changedMigrations(flyway);
            if (!changed.isEmpty() && versions.containsAll(changed)) {
                log.info("migrations {} no longer create the outbox or inbox table, which platform owns now "
                        + "(db/platform): recording their new checksums", changed);
                flyway.repair();
            }
        }
        flyway.migrate();
    }

    /** The versions of applied migrations whose file no longer has the checksum the database recorded. */
    private static List<String> changedMigrations(Flyway flyway) {
        return flyway.validateWithResult().invalidMigrations.stream()
                .filter(invalid -> invalid.errorDetails != null
                        && invalid.errorDetails.errorCode == CoreErrorCode.CHECKSUM_MISMATCH)
                .map(invalid -> invalid.version)
                .toList();
    }
}
