package shop.platform.grpc;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.grpc.ManagedChannel;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.annotation.Bean;

/**
 * For a service that calls others over gRPC: mutual TLS channels through discovery, and guarded
 * calls. The service's identity is the SSL bundle {@link ServiceIdentityDefaults} sets up.
 */
@AutoConfiguration
@ConditionalOnClass({ManagedChannel.class, DiscoveryClient.class, CircuitBreaker.class})
@EnableConfigurationProperties(GrpcClientProperties.class)
public class GrpcClientAutoConfiguration {

    @Bean
    ServiceChannels serviceChannels(DiscoveryClient discovery, GrpcClientProperties properties, SslBundles bundles,
            ObjectProvider<ObservationRegistry> observations) {
        return new ServiceChannels(new DiscoveryNameResolverProvider(discovery, properties.discoveryRefresh()),
                ServiceChannels.credentials(bundles.getBundle(ServiceIdentityDefaults.BUNDLE)),
                observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }

    @Bean
    GrpcCalls grpcCalls(GrpcClientProperties properties, ServiceChannels channels) {
        return new GrpcCalls(properties, channels);
    }
}
