package shop.billing.checkout.grpc;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import org.springframework.stereotype.Component;
import shop.billing.checkout.OutOfStock;
import shop.billing.checkout.ReservationLapsed;
import shop.billing.order.OrderLine;
import shop.inventory.v1.CommitRequest;
import shop.inventory.v1.ErrorReason;
import shop.inventory.v1.InventoryServiceGrpc;
import shop.inventory.v1.Item;
import shop.inventory.v1.ReleaseRequest;
import shop.inventory.v1.ReserveRequest;
import shop.platform.grpc.Callee;
import shop.platform.grpc.GrpcCalls;
import shop.platform.problem.CalleeFailed;

/**
 * The stock an order holds during checkout, from inventory over gRPC. Every call is keyed by the
 * order id, so each is retried on an unreachable inventory.
 */
@Component
public class InventoryClient {

    private final Callee<InventoryServiceGrpc.InventoryServiceBlockingStub> inventory;

    InventoryClient(GrpcCalls calls) {
        this.inventory = calls.callee("inventory", InventoryServiceGrpc::newBlockingStub);
    }

    /** @throws OutOfStock when inventory cannot hold every line; it holds none of them then */
    public void reserve(UUID orderId, List<OrderLine> lines) {
        ReserveRequest.Builder request = ReserveRequest.newBuilder().setOrderId(orderId.toString());
        lines.forEach(line -> request.addItems(Item.newBuilder().setSku(line.sku()).setQuantity(line.quantity())));
        try {
            inventory.idempotent(stub -> stub.reserve(request.build()));
        } catch (CalleeFailed failure) {
            Status.Code code = Status.fromThrowable(failure).getCode();
            if (code != Status.Code.FAILED_PRECONDITION && code != Status.Code.NOT_FOUND) {
                throw failure;
            }
            throw new OutOfStock(shortSkus(failure, lines));
        }
    }

    /** Puts the order's held stock back; an order that holds none changes nothing. */
    public void release(UUID orderId) {
        ReleaseRequest request = ReleaseRequest.newBuilder().setOrderId(orderId.toString()).build();
        inventory.idempotent(stub -> stub.release(request));
    }

    /** @throws ReservationLapsed when the order's stock was no longer held (expired or released) */
    public void commit(UUID orderId) {
        CommitRequest request = CommitRequest.newBuilder().setOrderId(orderId.toString()).build();
        try {
            inventory.idempotent(stub -> stub.commit(request));
        } catch (CalleeFailed failure) {
            throw Refusals.as(failure, Status.Code.FAILED_PRECONDITION, ReservationLapsed::new);
        }
    }

    /**
     * The SKUs a refusal names in its ErrorInfo (inventory.proto): those that ran out or are
     * unknown; none when the order's hold was refused for another reason.
     */
    private static List<String> shortSkus(CalleeFailed failure, List<OrderLine> lines) {
        Optional<ErrorInfo> info = errorInfo(failure);
        if (info.isEmpty()) {
            return skusInText(failure, lines);
        }
        String reason = info.get().getReason();
        String skus = info.get().getMetadataOrDefault("skus", "");
        boolean namesSkus = reason.equals(ErrorReason.OUT_OF_STOCK.name()) || reason.equals(ErrorReason.UNKNOWN_SKU.name());
        return namesSkus && !skus.isEmpty() ? Arrays.asList(skus.split(",")) : List.of();
    }

    /*
     * An inventory from before the ErrorInfo names the SKUs only in its text ("out of stock:
     * KIT-001, KIT-002"). `fig deploy` replaces one service at a time, so this billing may meet
     * such an inventory until inventory's next release is out everywhere; remove this then.
     */
    private static List<String> skusInText(CalleeFailed failure, List<OrderLine> lines) {
        String description = String.valueOf(Status.fromThrowable(failure).getDescription());
        return lines.stream().map(OrderLine::sku).filter(description::contains).toList();
    }

    private static Optional<ErrorInfo> errorInfo(CalleeFailed failure) {
        return Optional.ofNullable(StatusProto.fromThrowable(failure)).stream()
                .flatMap(status -> status.getDetailsList().stream())
                .filter(detail -> detail.is(ErrorInfo.class))
                .findFirst()
                .flatMap(InventoryClient::unpack);
    }

    private static Optional<ErrorInfo> unpack(Any detail) {
        try {
            return Optional.of(detail.unpack(ErrorInfo.class));
        } catch (InvalidProtocolBufferException e) {
            return Optional.empty();
        }
    }
}
