package shop.inventory.reservation.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import shop.inventory.reservation.Reservations;
import shop.inventory.v1.CommitRequest;
import shop.inventory.v1.InventoryServiceGrpc;
import shop.inventory.v1.Item;
import shop.inventory.v1.ReleaseRequest;
import shop.inventory.v1.ReserveRequest;
import shop.testing.FreshBroker;
import shop.testing.FreshDatabase;
import shop.testing.TestIdentities;

/** Reserve, release and commit over real gRPC against a real PostgreSQL, including under contention. */
@FreshDatabase
@FreshBroker
@SpringBootTest(properties = {"shop.inventory.reservation-ttl=1h", "shop.inventory.expiry-sweep-interval=1h"})
class ReservationsTest {

    @Autowired
    GrpcServerLifecycle grpcServer;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Reservations reservations;

    ManagedChannel channel;
    InventoryServiceGrpc.InventoryServiceBlockingStub inventory;

    @BeforeEach
    void connect() {
        channel = TestIdentities.channel(TestIdentities.client("billing"), "inventory", grpcServer.getPort());
        inventory = InventoryServiceGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void reserveTakesStockReleasePutsItBackCommitKeepsItSold() {
        stock("KIT-001", 10);
        stock("KIT-002", 10);
        reserve("order-1", item("KIT-001", 3), item("KIT-002", 1));
        assertThat(available("KIT-001")).isEqualTo(7);
        assertThat(available("KIT-002")).isEqualTo(9);

        inventory.release(ReleaseRequest.newBuilder().setOrderId("order-1").build());
        assertThat(available("KIT-001")).isEqualTo(10);

        reserve("order-2", item("KIT-001", 4));
        inventory.commit(CommitRequest.newBuilder().setOrderId("order-2").build());
        inventory.release(ReleaseRequest.newBuilder().setOrderId("unknown-order").build());
        assertThat(available("KIT-001")).isEqualTo(6);
    }

    /** Billing gave up on a Reserve that hung (inventory frozen) and released; the Reserve lands after. */
    @Test
    void aReserveThatLandsAfterItsReleaseHoldsNothing() {
        stock("KIT-003", 10);
        inventory.release(ReleaseRequest.newBuilder().setOrderId("order-late").build());
        assertThatThrownBy(() -> reserve("order-late", item("KIT-003", 2)))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.FAILED_PRECONDITION))
                .satisfies(e -> assertThat(errorInfo(e).getReason()).isEqualTo("NOT_HELD"));
        assertThatThrownBy(() -> inventory.commit(CommitRequest.newBuilder().setOrderId("order-late").build()))
                .satisfies(e -> assertThat(errorInfo(e).getReason()).isEqualTo("NOT_HELD"));
        assertThat(available("KIT-003")).isEqualTo(10);
    }

    @Test
    void reserveIsAllOrNothing() {
        stock("OUT-001", 5);
        stock("OUT-002", 1);
        assertThatThrownBy(() -> reserve("order-3", item("OUT-001", 2), item("OUT-002", 2)))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.FAILED_PRECONDITION))
                .hasMessageContaining("OUT-002");
        assertThat(available("OUT-001")).isEqualTo(5);
        assertThat(available("OUT-002")).isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from reservation where order_id = 'order-3'").query(Long.class).single())
                .isZero();
    }

    /** Billing learns why, and which SKUs, from the status details; the text stays for a billing from before them. */
    @Test
    void aRefusalSaysWhyAndWhichSkusInItsStatusDetails() {
        stock("BOK-001", 1);
        stock("BOK-002", 1);
        stock("BOK-003", 5);
        assertThatThrownBy(() -> reserve("order-9", item("BOK-001", 2), item("BOK-002", 2), item("BOK-003", 1)))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.FAILED_PRECONDITION))
                .hasMessageEndingWith("out of stock: BOK-001, BOK-002")
                .satisfies(e -> assertThat(errorInfo(e).getReason()).isEqualTo("OUT_OF_STOCK"))
                .satisfies(e -> assertThat(errorInfo(e).getMetadataMap()).containsExactly(entry("skus", "BOK-001,BOK-002")));
        assertThatThrownBy(() -> reserve("order-10", item("NO-SUCH-SKU", 1)))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.NOT_FOUND))
                .satisfies(e -> assertThat(errorInfo(e).getReason()).isEqualTo("UNKNOWN_SKU"))
                .satisfies(e -> assertThat(errorInfo(e).getMetadataMap()).containsExactly(entry("skus", "NO-SUCH-SKU")));
        assertThatThrownBy(() -> inventory.commit(CommitRequest.newBuilder().setOrderId("never-reserved").build()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.FAILED_PRECONDITION))
                .satisfies(e -> assertThat(errorInfo(e).getReason()).isEqualTo("NOT_HELD"))
                .satisfies(e -> assertThat(errorInfo(e).getMetadataMap()).isEmpty());
    }

    @Test
    void everyStepIsIdempotentPerOrder() {
        stock("OFF-001", 10);
        reserve("order-4", item("OFF-001", 2));
        reserve("order-4", item("OFF-001", 2));
        assertThat(available("OFF-001")).isEqualTo(8);
        inventory.commit(CommitRequest.newBuilder().setOrderId("order-4").build());
        inventory.commit(CommitRequest.newBuilder().setOrderId("order-4").build());
        assertThat(available("OFF-001")).isEqualTo(8);

        reserve("order-5", item("OFF-001", 1));
        inventory.release(ReleaseRequest.newBuilder().setOrderId("order-5").build());
        inventory.release(ReleaseRequest.newBuilder().setOrderId("order-5").build());
        assertThat(available("OFF-001")).isEqualTo(8);
    }

    @Test
    void aLapsedHoldIsCommittedWhenItsStockCanBeTakenAgainAndNeverAfterACancellation() {
        stock("AUD-001", 4);
        reserve("order-6", item("AUD-001", 3));
        reserve("order-7", item("AUD-001", 1));
        jdbc.sql("update reservation set expires_at = now() - interval '1 second' where order_id in ('order-6', 'order-7')")
                .update();
        // Past its expiry but not yet swept: the hold still has the stock, so it is sold as it is.
        inventory.commit(CommitRequest.newBuilder().setOrderId("order-6").build());
        assertThat(reservations.releaseExpired(10)).isOne();
        assertThat(available("AUD-001")).isOne();

        // Swept, and the unit it held went to another order: all or nothing, nothing is taken.
        reserve("order-8", item("AUD-001", 1));
        assertThatThrownBy(() -> inventory.commit(CommitRequest.newBuilder().setOrderId("order-7").build()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.FAILED_PRECONDITION))
                .satisfies(e -> assertThat(errorInfo(e).getReason()).isEqualTo("OUT_OF_STOCK"))
                .satisfies(e -> assertThat(errorInfo(e).getMetadataMap()).containsExactly(entry("skus", "AUD-001")));
        assertThat(available("AUD-001")).isZero();

        // Back in stock: the paid order takes it again, once.
        inventory.release(ReleaseRequest.newBuilder().setOrderId("order-8").build());
        inventory.commit(CommitRequest.newBuilder().setOrderId("order-7").build());
        inventory.commit(CommitRequest.newBuilder().setOrderId("order-7").build());
        assertThat(available("AUD-001")).isZero();

        reservations.returnCancelled("order-6");
        assertThat(available("AUD-001")).isEqualTo(3);
        assertThatThrownBy(() -> inventory.commit(CommitRequest.newBuilder().setOrderId("order-6").build()))
                .satisfies(e -> assertThat(errorInfo(e).getReason()).isEqualTo("NOT_HELD"));
        assertThat(available("AUD-001")).isEqualTo(3);
    }

    @Test
    void twentyConcurrentReservationsOfTheLastFiveUnitsSellExactlyFive() throws Exception {
        stock("HOM-001", 5);
        List<Callable<Boolean>> shoppers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String order = "race-" + i;
            shoppers.add(() -> {
                try {
                    reserve(order, item("HOM-001", 1));
                    return true;
                } catch (StatusRuntimeException e) {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    return false;
                }
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            long sold = 0;
            for (Future<Boolean> result : pool.invokeAll(shoppers)) {
                sold += result.get() ? 1 : 0;
            }
            assertThat(sold).isEqualTo(5);
        } finally {
            pool.shutdownNow();
        }
        assertThat(available("HOM-001")).isZero();
    }

    @Test
    void malformedRequestsAreInvalidArguments() {
        assertThatThrownBy(() -> reserve("", item("KIT-001", 1)))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT));
        assertThatThrownBy(() -> reserve("order-8"))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT));
        assertThatThrownBy(() -> reserve("order-8", item("KIT-001", 0)))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining("items[0].quantity");
        assertThatThrownBy(() -> reserve("order-8", item("NO-SUCH-SKU", 1)))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.NOT_FOUND));
    }

    private void reserve(String orderId, Item... items) {
        inventory.withDeadlineAfter(10, TimeUnit.SECONDS)
                .reserve(ReserveRequest.newBuilder().setOrderId(orderId).addAllItems(List.of(items)).build());
    }

    private static Item item(String sku, int quantity) {
        return Item.newBuilder().setSku(sku).setQuantity(quantity).build();
    }

    private void stock(String sku, int available) {
        jdbc.sql("update stock set available = ? where sku = ?").params(available, sku).update();
    }

    private int available(String sku) {
        return jdbc.sql("select available from stock where sku = ?").param(sku).query(Integer.class).single();
    }

    private static Status.Code code(Throwable e) {
        return ((StatusRuntimeException) e).getStatus().getCode();
    }

    private static ErrorInfo errorInfo(Throwable e) {
        try {
            return StatusProto.fromThrowable(e).getDetails(0).unpack(ErrorInfo.class);
        } catch (InvalidProtocolBufferException notErrorInfo) {
            throw new AssertionError("the status details hold no ErrorInfo", notErrorInfo);
        }
    }
}
