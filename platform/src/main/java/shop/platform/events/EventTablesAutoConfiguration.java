package shop.platform.events;

import java.util.Arrays;
import java.util.stream.Stream;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The outbox and inbox tables come from platform, not from each service's migrations: Flyway also
 * migrates {@code classpath:db/platform/outbox} for a service that produces events
 * ({@code shop.events.outbox.enabled}) and {@code classpath:db/platform/inbox} for one that consumes
 * them (an {@link EventSubscription} bean). The scripts say why they are repeatable and create only
 * what is missing.
 *
 * <p>Services created these tables in versioned migrations of their own before platform did; those
 * migrations lost the lines when platform took the tables over. A database that ran one still
 * records its old checksum, and Flyway refuses to migrate a database whose applied migration has
 * changed. So a service names those migrations in {@code shop.events.tables-created-by-migrations},
 * and {@link EventTablesMigration} accepts their new checksums, and only theirs.
 */
@AutoConfiguration(before = FlywayAutoConfiguration.class)
@ConditionalOnClass({Flyway.class, FlywayConfigurationCustomizer.class, RabbitTemplate.class, JdbcClient.class})
@EnableConfigurationProperties(EventsProperties.class)
public class EventTablesAutoConfiguration {

    static final String OUTBOX = "classpath:db/platform/outbox";
    static final String INBOX = "classpath:db/platform/inbox";

    @Bean
    @ConditionalOnProperty(name = "shop.events.outbox.enabled", havingValue = "true")
    FlywayConfigurationCustomizer outboxTable() {
        return configuration -> alsoMigrate(configuration, OUTBOX);
    }

    @Bean
    @ConditionalOnBean(EventSubscription.class)
    FlywayConfigurationCustomizer inboxTable() {
        return configuration -> alsoMigrate(configuration, INBOX);
    }

    @Bean
    @ConditionalOnMissingBean
    FlywayMigrationStrategy eventTablesMigration(EventsProperties properties) {
        return new EventTablesMigration(properties.tablesCreatedByMigrations());
    }

    /** The service's own locations ({@code spring.flyway.locations}) stay, and come first. */
    private static void alsoMigrate(FluentConfiguration configuration, String location) {
        configuration.locations(Stream.concat(Arrays.stream(configuration.getLocations()), Stream.of(new Location(location)))
                .toArray(Location[]::new));
    }
}
