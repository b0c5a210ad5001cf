package shop.platform.grpc;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.Status;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * Resolves {@code discovery:///catalog} to every registered instance of catalog, at the host it
 * registered and the port in its {@code grpc-port} metadata, and looks again every few seconds,
 * so a scaled-out or moved service is balanced without configuration.
 */
final class DiscoveryNameResolverProvider extends NameResolverProvider {

    static final String SCHEME = "discovery";

    private final DiscoveryClient discovery;
    private final Duration refreshInterval;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "grpc-discovery-refresh");
        thread.setDaemon(true);
        return thread;
    });

    DiscoveryNameResolverProvider(DiscoveryClient discovery, Duration refreshInterval) {
        this.discovery = discovery;
        this.refreshInterval = refreshInterval;
    }

    @Override
    public NameResolver newNameResolver(URI target, NameResolver.Args args) {
        if (!SCHEME.equals(target.getScheme())) {
            return null;
        }
        String service = target.getPath().replaceFirst("^/", "");
        return new Resolver(service);
    }

    @Override
    public String getDefaultScheme() {
        return SCHEME;
    }

    @Override
    protected boolean isAvailable() {
        return true;
    }

    @Override
    protected int priority() {
        return 5;
    }

    void shutdown() {
        timer.shutdownNow();
    }

    private final class Resolver extends NameResolver {

        private final String service;
        private Listener2 listener;
        private ScheduledFuture<?> refreshing;

        Resolver(String service) {
            this.service = service;
        }

        @Override
        public String getServiceAuthority() {
            return service;
        }

        @Override
        public void start(Listener2 listener) {
            this.listener = listener;
            resolve();
            refreshing = timer.scheduleWithFixedDelay(this::resolve, refreshInterval.toMillis(),
                    refreshInterval.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void refresh() {
            timer.execute(this::resolve);
        }

        @Override
        public void shutdown() {
            if (refreshing != null) {
                refreshing.cancel(false);
            }
        }

        private void resolve() {
            try {
                List<EquivalentAddressGroup> addresses = discovery.getInstances(service).stream()
                        .filter(instance -> instance.getMetadata().containsKey("grpc-port"))
                        .map(Resolver::address)
                        .toList();
                if (addresses.isEmpty()) {
                    NoInstanceRegistered none = new NoInstanceRegistered(service);
                    listener.onError(Status.UNAVAILABLE.withDescription(none.getMessage()).withCause(none));
                } else {
                    listener.onResult(ResolutionResult.newBuilder().setAddresses(addresses).build());
                }
            } catch (RuntimeException e) {
                listener.onError(Status.UNAVAILABLE.withDescription("discovery of " + service + " failed")
                        .withCause(e));
            }
        }

        private static EquivalentAddressGroup address(ServiceInstance instance) {
            int port = Integer.parseInt(instance.getMetadata().get("grpc-port"));
            return new EquivalentAddressGroup(new InetSocketAddress(instance.getHost(), port));
        }
    }
}
