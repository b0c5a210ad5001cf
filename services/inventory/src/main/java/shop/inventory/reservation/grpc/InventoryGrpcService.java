package shop.inventory.reservation.grpc;

import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.springframework.stereotype.Service;
import shop.inventory.reservation.ReservationItem;
import shop.inventory.reservation.ReservationRefused;
import shop.inventory.reservation.Reservations;
import shop.inventory.v1.CommitRequest;
import shop.inventory.v1.CommitResponse;
import shop.inventory.v1.InventoryServiceGrpc;
import shop.inventory.v1.Item;
import shop.inventory.v1.ReleaseRequest;
import shop.inventory.v1.ReleaseResponse;
import shop.inventory.v1.ReserveRequest;
import shop.inventory.v1.ReserveResponse;
import shop.platform.grpc.CalledBy;

/** The reservation steps of billing's checkout saga. */
@Service
class InventoryGrpcService extends InventoryServiceGrpc.InventoryServiceImplBase {

    static final int MAX_ITEMS = 100;
    static final int MAX_QUANTITY = 1_000;

    private final Reservations reservations;

    InventoryGrpcService(Reservations reservations) {
        this.reservations = reservations;
    }

    @Override
    @CalledBy("billing")
    public void reserve(ReserveRequest request, StreamObserver<ReserveResponse> response) {
        String problem = invalid(request);
        if (problem != null) {
            response.onError(Status.INVALID_ARGUMENT.withDescription(problem).asRuntimeException());
            return;
        }
        List<ReservationItem> items = request.getItemsList().stream()
                .map(item -> new ReservationItem(item.getSku(), item.getQuantity()))
                .toList();
        answer(response, () -> {
            Instant expiresAt = reservations.reserve(request.getOrderId(), items);
            return ReserveResponse.newBuilder()
                    .setOrderId(request.getOrderId())
                    .setExpiresAt(Timestamp.newBuilder().setSeconds(expiresAt.getEpochSecond()).setNanos(expiresAt.getNano()))
                    .build();
        });
    }

    @Override
    @CalledBy("billing")
    public void release(ReleaseRequest request, StreamObserver<ReleaseResponse> response) {
        if (request.getOrderId().isBlank()) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("order_id: required").asRuntimeException());
            return;
        }
        answer(response, () -> {
            reservations.release(request.getOrderId());
            return ReleaseResponse.getDefaultInstance();
        });
    }

    @Override
    @CalledBy("billing")
    public void commit(CommitRequest request, StreamObserver<CommitResponse> response) {
        if (request.getOrderId().isBlank()) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("order_id: required").asRuntimeException());
            return;
        }
        answer(response, () -> {
            reservations.commit(request.getOrderId());
            return CommitResponse.getDefaultInstance();
        });
    }

    private static <T> void answer(StreamObserver<T> response, Supplier<T> step) {
        T result;
        try {
            result = step.get();
        } catch (ReservationRefused refused) {
            response.onError(RefusalStatus.of(refused));
            return;
        }
        response.onNext(result);
        response.onCompleted();
    }

    private static String invalid(ReserveRequest request) {
        if (request.getOrderId().isBlank() || request.getOrderId().length() > 100) {
            return "order_id: required, at most 100 characters";
        }
        if (request.getItemsCount() == 0 || request.getItemsCount() > MAX_ITEMS) {
            return "items: between 1 and " + MAX_ITEMS + " required, got " + request.getItemsCount();
        }
        for (int i = 0; i < request.getItemsCount(); i++) {
            Item item = request.getItems(i);
            if (item.getSku().isBlank()) {
                return "items[" + i + "].sku: required";
            }
            if (item.getQuantity() < 1 || item.getQuantity() > MAX_QUANTITY) {
                return "items[" + i + "].quantity: between 1 and " + MAX_QUANTITY + ", got " + item.getQuantity();
            }
        }
        return null;
    }
}
