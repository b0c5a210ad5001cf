package shop.catalog.product.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import shop.catalog.v1.CatalogServiceGrpc;
import shop.catalog.v1.GetProductsRequest;
import shop.catalog.v1.GetProductsResponse;
import shop.testing.FreshDatabase;
import shop.testing.TestIdentities;

/** GetProducts over a real gRPC connection, as billing and recommendations call it. */
@FreshDatabase
@SpringBootTest(
        properties = "eureka.client.enabled=false")
class CatalogGrpcTest {

    static final int grpcPort = freePort();
    static ManagedChannel channel;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.grpc.server.port", () -> grpcPort);
        registry.add("spring.grpc.server.host", () -> "127.0.0.1");
    }

    @Autowired
    JdbcClient jdbc;

    @BeforeAll
    static void connect() {
        channel = TestIdentities.channel(TestIdentities.client("recommendations"), "catalog", grpcPort);
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void returnsProductsInTheOrderAskedAndNamesMissingIds() {
        List<Long> ids = jdbc.sql("select id from product order by id desc limit 3").query(Long.class).list();
        GetProductsResponse response = stub().getProducts(GetProductsRequest.newBuilder()
                .addAllIds(ids).addIds(-5).build());
        assertThat(response.getProductsList()).extracting(shop.catalog.v1.Product::getId).containsExactlyElementsOf(ids);
        assertThat(response.getMissingIdsList()).containsExactly(-5L);
        shop.catalog.v1.Product first = response.getProducts(0);
        Long price = jdbc.sql("select price_cents from product where id = ?").param(first.getId())
                .query(Long.class).single();
        assertThat(first.getPriceCents()).isEqualTo(price);
        assertThat(first.getCurrency()).isEqualTo("USD");
    }

    @Test
    void tooManyIdsIsInvalidArgument() {
        GetProductsRequest.Builder request = GetProductsRequest.newBuilder();
        for (long id = 1; id <= 501; id++) {
            request.addIds(id);
        }
        assertThatThrownBy(() -> stub().getProducts(request.build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
                        .isEqualTo(Status.Code.INVALID_ARGUMENT));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private CatalogServiceGrpc.CatalogServiceBlockingStub stub() {
        return CatalogServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
    }
}
