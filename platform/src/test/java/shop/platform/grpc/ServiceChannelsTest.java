package shop.platform.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.micrometer.observation.ObservationRegistry;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.discovery.simple.InstanceProperties;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClient;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryProperties;
import shop.catalog.v1.CatalogServiceGrpc;
import shop.catalog.v1.GetProductsRequest;
import shop.catalog.v1.GetProductsResponse;
import shop.catalog.v1.Product;
import shop.platform.problem.CalleeFailed;
import shop.testing.Eventually;
import shop.testing.TestIdentities;

/**
 * A service scaled out to two instances, found through the discovery client as Eureka would list
 * them: calls are balanced over both, and when one dies the retried calls go to the other.
 * The servers are real gRPC servers on loopback, on mutual TLS, that answer with their own name.
 */
class ServiceChannelsTest {

    private final List<Server> servers = new ArrayList<>();
    private ServiceChannels channels;
    /** Calls that reached a server's method. */
    private final AtomicInteger answered = new AtomicInteger();

    @AfterEach
    void stop() throws InterruptedException {
        if (channels != null) {
            channels.close();
        }
        for (Server server : servers) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void callsAreBalancedOverEveryInstanceAndSurviveOneDying() throws Exception {
        Server first = serve("first");
        Server second = serve("second");
        SimpleDiscoveryProperties registry = new SimpleDiscoveryProperties();
        registry.setInstances(Map.of("catalog", List.of(instance(first), instance(second))));
        channels = new ServiceChannels(new DiscoveryNameResolverProvider(new SimpleDiscoveryClient(registry),
                Duration.ofMillis(200)), TestIdentities.client("billing"), ObservationRegistry.NOOP);
        Callee<CatalogServiceGrpc.CatalogServiceBlockingStub> catalog =
                new GrpcCalls(new GrpcClientProperties(Duration.ofSeconds(2), null, null), channels)
                        .callee("catalog", CatalogServiceGrpc::newBlockingStub);
        GetProductsRequest request = GetProductsRequest.newBuilder().addIds(1).build();

        List<String> answeredBy = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            answeredBy.add(catalog.idempotent(stub -> stub.getProducts(request)).getProducts(0).getName());
        }
        assertThat(answeredBy).filteredOn("first"::equals).hasSizeGreaterThanOrEqualTo(5);
        assertThat(answeredBy).filteredOn("second"::equals).hasSizeGreaterThanOrEqualTo(5);

        first.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        for (int i = 0; i < 10; i++) {
            assertThat(catalog.idempotent(stub -> stub.getProducts(request)).getProducts(0).getName()).isEqualTo("second");
        }
    }

    /**
     * While no instance is registered (a service restarting) calls fail at once; that opens no
     * breaker, so the first calls after the instance registers are served rather than refused for
     * the breaker's 10 s.
     */
    @Test
    void callsBeforeAnyInstanceRegistersLeaveTheBreakerClosed() throws Exception {
        SimpleDiscoveryProperties registry = new SimpleDiscoveryProperties();
        registry.setInstances(new HashMap<>());
        channels = new ServiceChannels(new DiscoveryNameResolverProvider(new SimpleDiscoveryClient(registry),
                Duration.ofMillis(200)), TestIdentities.client("billing"), ObservationRegistry.NOOP);
        Callee<CatalogServiceGrpc.CatalogServiceBlockingStub> catalog =
                new GrpcCalls(new GrpcClientProperties(Duration.ofSeconds(2), Duration.ofSeconds(10), null), channels)
                        .callee("catalog", CatalogServiceGrpc::newBlockingStub);
        GetProductsRequest request = GetProductsRequest.newBuilder().addIds(1).build();
        Supplier<String> call = () -> catalog.idempotent(stub -> stub.getProducts(request)).getProducts(0).getName();

        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(call::get).isInstanceOfSatisfying(CalleeFailed.class, e -> assertThat(
                    Status.fromThrowable(e).getDescription()).isEqualTo("no instance of catalog with a grpc-port is registered"));
        }
        registry.getInstances().put("catalog", List.of(instance(serve("restarted"))));

        Eventually.await(() -> {
            try {
                return "restarted".equals(call.get());
            } catch (CalleeFailed e) {
                // Until the resolver's next refresh; never refused by an open breaker.
                assertThat(e.getMessage()).doesNotContain("circuit breaker");
                return false;
            }
        });
    }

    /**
     * An impostor registered under the catalog's name (a stolen Eureka account, say) presents
     * another service's certificate: the caller never sends it a call.
     */
    @Test
    void aServerWithoutTheCalleesCertificateGetsNoCall() throws Exception {
        Server impostor = serve("impostor", "shipping");
        SimpleDiscoveryProperties registry = new SimpleDiscoveryProperties();
        registry.setInstances(Map.of("catalog", List.of(instance(impostor))));
        channels = new ServiceChannels(new DiscoveryNameResolverProvider(new SimpleDiscoveryClient(registry),
                Duration.ofMillis(200)), TestIdentities.client("billing"), ObservationRegistry.NOOP);
        Callee<CatalogServiceGrpc.CatalogServiceBlockingStub> catalog =
                new GrpcCalls(new GrpcClientProperties(Duration.ofSeconds(2), null, null), channels)
                        .callee("catalog", CatalogServiceGrpc::newBlockingStub);

        assertThatThrownBy(() -> catalog.idempotent(stub -> stub.getProducts(GetProductsRequest.newBuilder().addIds(1).build())))
                .isInstanceOfSatisfying(CalleeFailed.class, e -> assertThat(Status.fromThrowable(e).getCode())
                        .isEqualTo(Status.Code.UNAVAILABLE));
        assertThat(answered).hasValue(0);
    }

    private Server serve(String name) throws IOException {
        return serve(name, "catalog");
    }

    private Server serve(String name, String certifiedAs) throws IOException {
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), TestIdentities.server(certifiedAs))
                .addService(new CatalogServiceGrpc.CatalogServiceImplBase() {
                    @Override
                    public void getProducts(GetProductsRequest request, StreamObserver<GetProductsResponse> response) {
                        answered.incrementAndGet();
                        response.onNext(GetProductsResponse.newBuilder()
                                .addProducts(Product.newBuilder().setId(1).setName(name)).build());
                        response.onCompleted();
                    }
                })
                .build()
                .start();
        servers.add(server);
        return server;
    }

    private static InstanceProperties instance(Server server) {
        InstanceProperties instance = new InstanceProperties();
        instance.setInstanceId("catalog-" + server.getPort());
        instance.setServiceId("catalog");
        instance.setUri(URI.create("http://127.0.0.1:1"));
        instance.setMetadata(Map.of("grpc-port", String.valueOf(server.getPort())));
        return instance;
    }
}
