package shop.platform.database;

import java.util.Map;

import shop.platform.config.PropertyDefaults;

/**
 * The size of every service's connection pool, as a default below everything a service configures
 * itself. Each replica keeps its whole pool open, and during {@code fig deploy} a service runs twice
 * over: with HikariCP's default of 10, seven services with catalog scaled to two took 82 of the
 * stack PostgreSQL's 97 slots for non-superusers, and the deploy's two new catalog replicas were
 * refused connections ("remaining connection slots are reserved"), once failing to start. Five per
 * replica serves 2 cores (HikariCP's sizing note: about twice the cores) and leaves room for a
 * deploy of any service scaled to four.
 *
 * <p>Registered in META-INF/spring.factories.
 */
public class DataSourceDefaults extends PropertyDefaults {

    static final String POOL_SIZE = "spring.datasource.hikari.maximum-pool-size";

    public DataSourceDefaults() {
        super("shopDataSourceDefaults", Map.of(POOL_SIZE, "5"));
    }
}
