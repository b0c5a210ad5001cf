package shop.platform.grpc;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Every gRPC connection between services is mutual TLS: a service's identity is its certificate
 * from the stack's authority, in the folder {@code shop.identity.directory} ({@code SHOP_PKI_DIR}):
 * {@code <service>.crt}, {@code <service>.key} and the authority's {@code ca.crt}. Without it the
 * folder is the development one that {@code scripts/run-local.sh} fills,
 * {@code ~/.config/shop/secrets/local.pki}; fig mounts a stack's at {@code /run/secrets/pki},
 * which the images name. The files make the SSL bundle {@value #BUNDLE}, which the gRPC server
 * requires of its clients and {@link ServiceChannels} presents to its servers. Defaults below
 * everything a service configures itself; for services with a gRPC port only.
 *
 * <p>Registered in META-INF/spring.factories.
 */
public class ServiceIdentityDefaults implements EnvironmentPostProcessor {

    public static final String BUNDLE = "service-identity";
    static final String DIRECTORY = "shop.identity.directory";
    static final String DEVELOPMENT_DIRECTORY = "${user.home}/.config/shop/secrets/local.pki";
    private static final String SOURCE = "shopServiceIdentityDefaults";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!environment.containsProperty("spring.grpc.server.port")) {
            return;
        }
        String files = "file:${" + DIRECTORY + "}/";
        String pem = "spring.ssl.bundle.pem." + BUNDLE;
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put(DIRECTORY, "${SHOP_PKI_DIR:" + DEVELOPMENT_DIRECTORY + "}");
        defaults.put(pem + ".keystore.certificate", files + "${spring.application.name}.crt");
        defaults.put(pem + ".keystore.private-key", files + "${spring.application.name}.key");
        defaults.put(pem + ".truststore.certificate", files + "ca.crt");
        defaults.put("spring.grpc.server.ssl.bundle", BUNDLE);
        defaults.put("spring.grpc.server.ssl.client-auth", "require");
        // No service calls these, and reflection would list every method to whoever connects.
        defaults.put("spring.grpc.server.health.enabled", "false");
        defaults.put("spring.grpc.server.reflection.enabled", "false");
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE, defaults));
    }
}
