package shop.platform.grpc;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.micrometer.core.instrument.binder.grpc.ObservationGrpcClientInterceptor;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.boot.ssl.SslBundle;

/**
 * One gRPC channel per service name, resolved through discovery and balanced round-robin over
 * its instances. Channels are made, and start connecting, on first use (when a client is made, at
 * start-up) and are closed with the application context. Each is mutual TLS: it presents this
 * service's certificate and accepts only a server whose certificate the stack's authority issued
 * to the service it asked for (the channel's authority is the service's name), so a stranger
 * registered under that name in discovery gets no call. Each call is observed, so it carries the
 * caller's trace (W3C {@code traceparent}) to the callee's logs.
 */
public class ServiceChannels implements AutoCloseable {

    private final DiscoveryNameResolverProvider resolver;
    private final ChannelCredentials credentials;
    private final ObservationRegistry observations;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    ServiceChannels(DiscoveryNameResolverProvider resolver, ChannelCredentials credentials,
            ObservationRegistry observations) {
        this.resolver = resolver;
        this.credentials = credentials;
        this.observations = observations;
    }

    /** This service's certificate to present, and the authority to check servers against. */
    static ChannelCredentials credentials(SslBundle identity) {
        return TlsChannelCredentials.newBuilder()
                .keyManager(identity.getManagers().getKeyManagers())
                .trustManager(identity.getManagers().getTrustManagers())
                .build();
    }

    /*
     * The resolver is given to each channel rather than registered in gRPC's global registry:
     * that registry is one per JVM, and several application contexts (as in tests) would each
     * register a resolver of their own for the same scheme.
     */
    @SuppressWarnings("deprecation")
    ManagedChannel channel(String service) {
        return channels.computeIfAbsent(service, name -> {
            ManagedChannel channel = Grpc
                    .newChannelBuilder(DiscoveryNameResolverProvider.SCHEME + ":///" + name, credentials)
                    .nameResolverFactory(resolver)
                    .defaultLoadBalancingPolicy("round_robin")
                    .intercept(new ObservationGrpcClientInterceptor(observations))
                    .build();
            // Connects now, while the service starts, rather than on the first call: on a cold JVM the
            // TLS handshakes took longer than a call's deadline, and a restarted service failed its
            // first calls under load.
            channel.getState(true);
            return channel;
        });
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
