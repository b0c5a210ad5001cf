package shop.platform.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.BindableService;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import shop.catalog.v1.CatalogServiceGrpc;
import shop.catalog.v1.GetProductsRequest;
import shop.catalog.v1.GetProductsResponse;
import shop.testing.TestIdentities;

/**
 * A real gRPC server on loopback with mutual TLS and the caller check, called by clients with each
 * kind of credentials: only the callers a method names reach it.
 */
class CallerAuthorizationTest {

    private final AtomicInteger served = new AtomicInteger();
    private Server server;

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void onlyTheNamedCallerReachesTheMethod() throws Exception {
        serve(new BillingOnly());

        assertThat(call(TestIdentities.client("billing"))).isEqualTo(Status.Code.OK);
        assertThat(call(TestIdentities.client("shipping"))).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(call(TestIdentities.client("catalog"))).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(served).hasValue(1);
    }

    @Test
    void withoutTheStacksCertificateNoCallGetsThrough() throws Exception {
        serve(new AnyService());

        assertThat(call(TestIdentities.anonymous())).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(call(TestIdentities.stranger("billing"))).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(call(InsecureChannelCredentials.create())).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(served).hasValue(0);
        assertThat(call(TestIdentities.client("recommendations"))).isEqualTo(Status.Code.OK);
    }

    @Test
    void aMethodThatDoesNotSayWhoMayCallItStopsTheServiceFromStarting() {
        CatalogServiceGrpc.CatalogServiceImplBase unsaid = new CatalogServiceGrpc.CatalogServiceImplBase() {
            @Override
            public void getProducts(GetProductsRequest request, StreamObserver<GetProductsResponse> response) {
                answer(response);
            }
        };
        assertThatThrownBy(() -> new CallerAuthorization(List.of(unsaid)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("serves shop.catalog.v1.CatalogService/GetProducts without @CalledBy");
    }

    @Test
    void aMethodTheServiceDoesNotImplementAdmitsNobody() throws Exception {
        serve(new CatalogServiceGrpc.CatalogServiceImplBase() { });

        assertThat(call(TestIdentities.client("billing"))).isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    private void serve(BindableService service) throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), TestIdentities.server("catalog"))
                .addService(ServerInterceptors.intercept(service, new CallerAuthorization(List.of(service))))
                .build().start();
    }

    private Status.Code call(ChannelCredentials credentials) throws InterruptedException {
        ManagedChannel channel = TestIdentities.channel(credentials, "catalog", server.getPort());
        try {
            CatalogServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .getProducts(GetProductsRequest.getDefaultInstance());
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private void answer(StreamObserver<GetProductsResponse> response) {
        served.incrementAndGet();
        response.onNext(GetProductsResponse.getDefaultInstance());
        response.onCompleted();
    }

    private class BillingOnly extends CatalogServiceGrpc.CatalogServiceImplBase {
        @Override
        @CalledBy("billing")
        public void getProducts(GetProductsRequest request, StreamObserver<GetProductsResponse> response) {
            answer(response);
        }
    }

    private class AnyService extends CatalogServiceGrpc.CatalogServiceImplBase {
        @Override
        @CalledBy(CalledBy.ANY_SERVICE)
        public void getProducts(GetProductsRequest request, StreamObserver<GetProductsResponse> response) {
            answer(response);
        }
    }
}
