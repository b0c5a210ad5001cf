package shop.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.cloud.client.discovery.simple.InstanceProperties;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClient;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryProperties;

/** Spring Cloud's in-memory discovery client stands in for Eureka's registry here. */
class RoutesHealthIndicatorTest {

    private final SimpleDiscoveryProperties registry = new SimpleDiscoveryProperties();
    private final RoutesHealthIndicator routes = new RoutesHealthIndicator(new SimpleDiscoveryClient(registry),
            new GatewayProperties(List.of("catalog", "billing"), Duration.ofSeconds(5), Duration.ofSeconds(10),
                    "http://profiles/.well-known/jwks.json", "shop-profiles", "shop"));

    private void register(String service) {
        InstanceProperties instance = new InstanceProperties();
        instance.setServiceId(service);
        instance.setInstanceId(service + "-1");
        instance.setHost("10.89.0.5");
        instance.setPort(8081);
        registry.getInstances().put(service, List.of(instance));
    }

    @Test
    void downNamingTheServicesNotRegisteredUntilEveryRouteHasAnInstance() {
        register("catalog");
        Health waiting = routes.health();
        assertThat(waiting.getStatus()).isEqualTo(Status.DOWN);
        assertThat(waiting.getDetails()).containsEntry("waitingFor", List.of("billing"));

        register("billing");
        assertThat(routes.health().getStatus()).isEqualTo(Status.UP);

        registry.getInstances().put("catalog", List.of());
        assertThat(routes.health().getDetails()).containsEntry("waitingFor", List.of("catalog"));
    }
}
