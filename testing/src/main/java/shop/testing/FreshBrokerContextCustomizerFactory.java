package shop.testing;

import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.AnnotatedBeanDefinitionReader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Registered in META-INF/spring.factories; acts on test classes marked {@link FreshBroker}. On the
 * engine the context gets the shared container as its service connection ({@link SharedRabbitMq}),
 * turned to the class's own virtual host; on this machine's broker, the virtual-host property.
 */
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
            String vhost = TestBrokers.createVirtualHost(testClass.getSimpleName());
            if (TestInfrastructure.kind() == TestInfrastructure.Kind.ENGINE) {
                new AnnotatedBeanDefinitionReader((BeanDefinitionRegistry) context).register(SharedRabbitMq.class);
                context.getBeanFactory().addBeanPostProcessor(new ToFreshVirtualHost(vhost));
            } else {
                context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("freshBroker", Map.of(
                        "spring.rabbitmq.virtual-host", vhost)));
            }
        }
    }

    /** The service connection's details, on the class's own virtual host of the same broker. */
    private record ToFreshVirtualHost(String vhost) implements BeanPostProcessor {

        @Override
        public Object postProcessAfterInitialization(Object bean, String beanName) {
            if (!(bean instanceof RabbitConnectionDetails shared)) {
                return bean;
            }
            return new RabbitConnectionDetails() {
                @Override
                public String getUsername() {
                    return shared.getUsername();
                }

                @Override
                public String getPassword() {
                    return shared.getPassword();
                }

                @Override
                public String getVirtualHost() {
                    return vhost;
                }

                @Override
                public List<Address> getAddresses() {
                    return shared.getAddresses();
                }
            };
        }
    }
}
