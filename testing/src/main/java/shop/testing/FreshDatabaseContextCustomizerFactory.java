package shop.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.AnnotatedBeanDefinitionReader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Registered in META-INF/spring.factories; acts on test classes marked {@link FreshDatabase}. On
 * the engine the context gets the shared container as its service connection
 * ({@link SharedPostgres}), whose JDBC URL is turned to the class's own database; on this
 * machine's server, the datasource properties.
 */
class FreshDatabaseContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass,
            List<ContextConfigurationAttributes> configAttributes) {
        return TestContextAnnotationUtils.hasAnnotation(testClass, FreshDatabase.class)
                ? new FreshDatabaseCustomizer(testClass) : null;
    }

    /** A record, so the test class is part of the context cache key: one context per class. */
    private record FreshDatabaseCustomizer(Class<?> testClass) implements ContextCustomizer {

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
            TestDatabases.TestDatabase database = TestDatabases.create(testClass.getSimpleName());
            Map<String, Object> properties = new HashMap<>(Map.of(
                    // Cached contexts keep their pools open: small ones, so a module's test classes
                    // together stay far below PostgreSQL's max_connections.
                    "spring.datasource.hikari.maximum-pool-size", "3"));
            if (TestInfrastructure.kind() == TestInfrastructure.Kind.ENGINE) {
                new AnnotatedBeanDefinitionReader((BeanDefinitionRegistry) context).register(SharedPostgres.class);
                context.getBeanFactory().addBeanPostProcessor(new ToFreshDatabase(database));
            } else {
                properties.putAll(Map.of(
                        "spring.datasource.url", database.jdbcUrl(),
                        "spring.datasource.username", database.username(),
                        "spring.datasource.password", database.password()));
            }
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("freshDatabase", properties));
        }
    }

    /** The service connection's details, on the class's own database of the same server. */
    private record ToFreshDatabase(TestDatabases.TestDatabase database) implements BeanPostProcessor {

        @Override
        public Object postProcessAfterInitialization(Object bean, String beanName) {
            if (!(bean instanceof JdbcConnectionDetails shared)) {
                return bean;
            }
            return new JdbcConnectionDetails() {
                @Override
                public String getUsername() {
                    return shared.getUsername();
                }

                @Override
                public String getPassword() {
                    return shared.getPassword();
                }

                @Override
                public String getJdbcUrl() {
                    return database.jdbcUrl();
                }
            };
        }
    }
}
