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

/** Registered in META-INF/spring.factories; acts on test classes marked {@link FreshBroker}. */
class FreshBrokerContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass,
            List<ContextConfigurationAttributes> configAttributes) {
        return TestContextAnnotationUtils.hasAnnotation(testClass, FreshBroker.class)
                ? new FreshBrokerCustomizer(testClass) : null;
    }

    /** A record, so the test class is part of the context cache key: one context per class. */
    private record FreshBrokerCustomizer(Class<?> testClass) implements ContextCustomizer {

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("freshBroker", Map.of(
                    "spring.rabbitmq.virtual-host", TestBrokers.createVirtualHost(testClass.getSimpleName()))));
        }
    }
}
