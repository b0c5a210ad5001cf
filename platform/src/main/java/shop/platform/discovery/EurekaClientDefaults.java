package shop.platform.discovery;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * How every service registers in Eureka and finds the others, as defaults below everything a
 * service configures itself (docs/architecture.md#discovery). Eureka's own defaults delayed the
 * first routed request by tens of seconds: here a client fetches the registry and renews its lease
 * every 5 s, and an instance that misses renewals for 15 s expires. Eureka takes only the stack's
 * account: {@code EUREKA_URL} carries it (curl style, {@code http://eureka:secret@host:8761/eureka/}),
 * and the default names {@code EUREKA_PASSWORD}, so a service without it fails at start-up naming
 * the variable instead of retrying a 401 forever. A service registers by its address
 * ({@code INSTANCE_IP}), listens only on {@code BIND_ADDRESS} (loopback unless its image says
 * otherwise), and, when it runs a gRPC server, advertises that port as {@code grpc-port}, where other
 * services' gRPC channels connect.
 *
 * <p>Registered in META-INF/spring.factories. It runs after the service's configuration files are
 * read, so it sees whether the service has a gRPC port.
 */
public class EurekaClientDefaults implements EnvironmentPostProcessor {

    static final String SOURCE = "shopEurekaClientDefaults";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("eureka.client.service-url.defaultZone", "${EUREKA_URL:http://eureka:${EUREKA_PASSWORD}@localhost:8761/eureka/}");
        defaults.put("eureka.client.registry-fetch-interval-seconds", "5");
        // The client's shutdown waits up to 3 s for the next replication check it has scheduled;
        // at Eureka's 30 s interval it always waited the full 3 s, most of a service's stop.
        defaults.put("eureka.client.instance-info-replication-interval-seconds", "1");
        defaults.put("eureka.instance.prefer-ip-address", "true");
        // Services on one host talk over loopback; a container or another host sets its own address.
        defaults.put("eureka.instance.ip-address", "${INSTANCE_IP:127.0.0.1}");
        defaults.put("eureka.instance.lease-renewal-interval-in-seconds", "5");
        defaults.put("eureka.instance.lease-expiration-duration-in-seconds", "15");
        defaults.put("server.address", "${BIND_ADDRESS:127.0.0.1}");
        defaults.put("spring.grpc.server.host", "${BIND_ADDRESS:127.0.0.1}");
        if (environment.containsProperty("spring.grpc.server.port")) {
            defaults.put("eureka.instance.metadata-map.grpc-port", "${spring.grpc.server.port}");
        }
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE, defaults));
    }
}
