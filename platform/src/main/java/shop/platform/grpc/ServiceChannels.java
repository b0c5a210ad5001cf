package shop.platform.grpc;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;

/**
 * One gRPC channel per service name, resolved through discovery and balanced round-robin over
 * its instances. Channels are created on first use and closed with the application context.
 */
public class ServiceChannels implements AutoCloseable {

    private final DiscoveryNameResolverProvider resolver;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    ServiceChannels(DiscoveryNameResolverProvider resolver) {
        this.resolver = resolver;
    }

    /*
     * The resolver is given to each channel rather than registered in gRPC's global registry:
     * that registry is one per JVM, and several application contexts (as in tests) would each
     * register a resolver of their own for the same scheme.
     */
    @SuppressWarnings("deprecation")
    ManagedChannel channel(String service) {
        return channels.computeIfAbsent(service, name -> ManagedChannelBuilder
                .forTarget(DiscoveryNameResolverProvider.SCHEME + ":///" + name)
                .nameResolverFactory(resolver)
                .defaultLoadBalancingPolicy("round_robin")
                .usePlaintext()
                .build());
    }

    @Override
    public void close() throws InterruptedException {
        for (ManagedChannel channel : channels.values()) {
            channel.shutdown();
        }
        for (ManagedChannel channel : channels.values()) {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
        resolver.shutdown();
    }
}
