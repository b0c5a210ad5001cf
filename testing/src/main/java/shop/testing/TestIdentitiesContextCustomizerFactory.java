package shop.testing;

import java.util.List;
import java.util.Map;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Registered in META-INF/spring.factories, for every test context: the service's gRPC identity
 * comes from {@link TestIdentities}, never from the developer's own authority in their home.
 */
class TestIdentitiesContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
        return new TestIdentitiesCustomizer();
    }

    /** Equal for every class, so it never splits the context cache. */
    private record TestIdentitiesCustomizer() implements ContextCustomizer {

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("testIdentities",
                    Map.of("shop.identity.directory", TestIdentities.directory().toString())));
        }
    }
}
