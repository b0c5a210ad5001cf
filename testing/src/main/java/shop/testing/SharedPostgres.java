package shop.testing;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The JVM's PostgreSQL container (see {@link TestInfrastructure}) as Spring Boot's service
 * connection: the context's {@code JdbcConnectionDetails} come from it (only those: Flyway then
 * migrates through the context's DataSource, the database the test class was given). Every test
 * context shares the one container, so no context stops it when it closes.
 */
@Configuration(proxyBeanMethods = false)
class SharedPostgres {

    @Bean(destroyMethod = "")
    @ServiceConnection(type = JdbcConnectionDetails.class)
    PostgreSQLContainer postgresContainer() {
        return TestInfrastructure.postgres();
    }
}
