package shop.testing;

import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Registered in META-INF/spring.factories; acts on test classes marked {@link TrustsTestTokens}:
 * each context gets its own {@link TestTokens} as a bean, closed with the context, and the
 * properties that point the service's token check at its JWK Set.
 */
class TrustsTestTokensContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass,
            List<ContextConfigurationAttributes> configAttributes) {
        return TestContextAnnotationUtils.hasAnnotation(testClass, TrustsTestTokens.class)
                ? new TestTokensCustomizer() : null;
    }

    /** Equal for every class: classes that share a context otherwise share it, and its tokens, here too. */
    private record TestTokensCustomizer() implements ContextCustomizer {

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
            TestTokens tokens = new TestTokens();
            RootBeanDefinition bean = new RootBeanDefinition(TestTokens.class, () -> tokens);
            // close(): the JWK Set's server stops with the context.
            bean.setDestroyMethodName(AbstractBeanDefinition.INFER_METHOD);
            ((BeanDefinitionRegistry) context).registerBeanDefinition("testTokens", bean);
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("testTokens", Map.of(
                    "shop.security.jwks-uri", tokens.jwksUri(),
                    "shop.security.jwks-load-balanced", "false")));
        }
    }
}
