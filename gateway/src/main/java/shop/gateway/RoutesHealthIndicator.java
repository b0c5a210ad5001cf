package shop.gateway;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.stereotype.Component;

/**
 * The gateway is healthy once it can route: every service it routes has at least one instance in
 * its view of Eureka. The gateway starts beside the services instead of after them, so until they
 * have registered its health is DOWN, naming those it waits for; its container's healthcheck, and
 * with it {@code fig up}'s "gateway is up" line, wait for this. A service left with no instance
 * later turns it DOWN again, which is what whatever sits in front of the gateway should see. Its
 * name in the health report is {@code routes} (the bean's name without "HealthIndicator").
 */
@Component
class RoutesHealthIndicator implements HealthIndicator {

    private final DiscoveryClient discovery;
    private final List<String> services;

    RoutesHealthIndicator(DiscoveryClient discovery, GatewayProperties properties) {
        this.discovery = discovery;
        this.services = properties.services();
    }

    @Override
    public Health health() {
        Map<String, Integer> instances = new LinkedHashMap<>();
        services.forEach(service -> instances.put(service, discovery.getInstances(service).size()));
        List<String> waiting = services.stream().filter(service -> instances.get(service) == 0).toList();
        Health.Builder health = waiting.isEmpty() ? Health.up() : Health.down().withDetail("waitingFor", waiting);
        return health.withDetail("instances", instances).build();
    }
}
