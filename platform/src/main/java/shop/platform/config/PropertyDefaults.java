package shop.platform.config;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Fixed settings platform gives every service, added last: below everything a service, its
 * environment or its command line says. A subclass is registered in META-INF/spring.factories.
 */
public abstract class PropertyDefaults implements EnvironmentPostProcessor {

    private final String source;
    private final Map<String, Object> defaults;

    protected PropertyDefaults(String source, Map<String, Object> defaults) {
        this.source = source;
        this.defaults = Map.copyOf(defaults);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addLast(new MapPropertySource(source, defaults));
    }
}
