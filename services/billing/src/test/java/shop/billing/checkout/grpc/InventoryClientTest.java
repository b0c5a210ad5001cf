package shop.billing.checkout.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import shop.billing.checkout.OutOfStock;
import shop.billing.order.OrderLine;
import shop.inventory.v1.InventoryServiceGrpc;
import shop.inventory.v1.ReserveRequest;
import shop.inventory.v1.ReserveResponse;
import shop.platform.problem.CalleeFailed;
import shop.testing.FreshBroker;
import shop.testing.FreshDatabase;
import shop.testing.TestIdentities;
import shop.testing.TrustsTestTokens;

/**
 * Billing's inventory client against an inventory on loopback that refuses every reservation as
 * a test tells it: the checkout learns which products ran short whether inventory names them in
 * the status details, as it does now, or only in its text, as the release before did (a rolling
 * deployment runs both for a while). The whole saga against the real inventory is in system-tests.
 */
@FreshDatabase
@FreshBroker
@TrustsTestTokens
@SpringBootTest
class InventoryClientTest {

    static final AtomicReference<StatusRuntimeException> refusal = new AtomicReference<>();
    static final Server inventory = serve();

    @DynamicPropertySource
    static void inventory(DynamicPropertyRegistry registry) {
        // Spring Cloud's simple discovery client stands in for Eureka; only the gRPC port is used.
        registry.add("spring.cloud.discovery.client.simple.instances.inventory[0].uri", () -> "http://127.0.0.1:1");
        registry.add("spring.cloud.discovery.client.simple.instances.inventory[0].metadata.grpc-port",
                inventory::getPort);
    }

    @AfterAll
    static void stopInventory() throws InterruptedException {
        inventory.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Autowired
    InventoryClient client;

    @Test
    void theShortProductsAreTheOnesTheRefusalsDetailsName() {
        refusal.set(withDetails(Status.FAILED_PRECONDITION.withDescription("out of stock: KIT-001, KIT-002"),
                "OUT_OF_STOCK", "KIT-001,KIT-002"));
        assertThatThrownBy(() -> client.reserve(UUID.randomUUID(), lines("KIT-001", "KIT-002", "KIT-003")))
                .isInstanceOfSatisfying(OutOfStock.class,
                        e -> assertThat(e.skus()).containsExactly("KIT-001", "KIT-002"));

        refusal.set(withDetails(Status.NOT_FOUND.withDescription("no stock is kept for KIT-009"), "UNKNOWN_SKU",
                "KIT-009"));
        assertThatThrownBy(() -> client.reserve(UUID.randomUUID(), lines("KIT-001", "KIT-009")))
                .isInstanceOfSatisfying(OutOfStock.class, e -> assertThat(e.skus()).containsExactly("KIT-009"));
    }

    @Test
    void anInventoryFromBeforeTheDetailsStillNamesTheShortProductsInItsText() {
        refusal.set(Status.FAILED_PRECONDITION.withDescription("out of stock: KIT-002").asRuntimeException());
        assertThatThrownBy(() -> client.reserve(UUID.randomUUID(), lines("KIT-001", "KIT-002")))
                .isInstanceOfSatisfying(OutOfStock.class, e -> assertThat(e.skus()).containsExactly("KIT-002"));

        refusal.set(Status.NOT_FOUND.withDescription("no stock is kept for KIT-009").asRuntimeException());
        assertThatThrownBy(() -> client.reserve(UUID.randomUUID(), lines("KIT-001", "KIT-009")))
                .isInstanceOfSatisfying(OutOfStock.class, e -> assertThat(e.skus()).containsExactly("KIT-009"));
    }

    @Test
    void anOrderWhoseHoldIsGoneIsRefusedWithoutNamingAProduct() {
        refusal.set(withDetails(Status.FAILED_PRECONDITION.withDescription("order 1 was already released"), "NOT_HELD",
                null));
        assertThatThrownBy(() -> client.reserve(UUID.randomUUID(), lines("KIT-001")))
                .isInstanceOfSatisfying(OutOfStock.class, e -> assertThat(e.skus()).isEmpty());
    }

    @Test
    void aFailingInventoryIsNotMistakenForMissingStock() {
        refusal.set(Status.INTERNAL.withDescription("out of stock: KIT-001").asRuntimeException());
        assertThatThrownBy(() -> client.reserve(UUID.randomUUID(), lines("KIT-001")))
                .isInstanceOfSatisfying(CalleeFailed.class, e -> {
                    assertThat(e.service()).isEqualTo("inventory");
                    assertThat(e.unavailable()).isFalse();
                });
    }

    /** The status, with an ErrorInfo in its details as inventory sends it (inventory.proto). */
    private static StatusRuntimeException withDetails(Status status, String reason, String skus) {
        ErrorInfo.Builder info = ErrorInfo.newBuilder().setDomain("shop.inventory").setReason(reason);
        if (skus != null) {
            info.putMetadata("skus", skus);
        }
        return StatusProto.toStatusRuntimeException(StatusProto.fromStatusAndTrailers(status, null).toBuilder()
                .addDetails(Any.pack(info.build())).build());
    }

    private static List<OrderLine> lines(String... skus) {
        return Arrays.stream(skus).map(sku -> new OrderLine(1, sku, sku, 1, 1000, 500)).toList();
    }

    private static Server serve() {
        InventoryServiceGrpc.InventoryServiceImplBase refusing = new InventoryServiceGrpc.InventoryServiceImplBase() {
            @Override
            public void reserve(ReserveRequest request, StreamObserver<ReserveResponse> response) {
                response.onError(refusal.get());
            }
        };
        try {
            return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), TestIdentities.server("inventory"))
                    .addService(refusing).build()
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
