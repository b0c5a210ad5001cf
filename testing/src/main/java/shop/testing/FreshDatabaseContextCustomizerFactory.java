package shop.testing;

import java.util.List;
import java.util.Map;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/** Registered in META-INF/spring.factories; acts on test classes marked {@link FreshDatabase}. */
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
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("freshDatabase", Map.of(
                    "spring.datasource.url", database.jdbcUrl(),
                    "spring.datasource.username", database.username(),
                    "spring.datasource.password", database.password(),
                    // Cached contexts keep their pools open: small ones, so a module's test classes
                    // together stay far below PostgreSQL's max_connections (100 by default).
                    "spring.datasource.hikari.maximum-pool-size", "3")));
        }
    }
}
