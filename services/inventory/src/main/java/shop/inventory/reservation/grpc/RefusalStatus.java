package shop.inventory.reservation.grpc;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import shop.inventory.reservation.ReservationRefused;
import shop.inventory.v1.ErrorReason;

/**
 * A refused reservation as the status a caller gets: NOT_FOUND for an unknown SKU, else
 * FAILED_PRECONDITION, with the refusal's text, and an ErrorInfo in the details saying why and
 * which SKUs (inventory.proto), so that billing learns them without reading the text. The text
 * stays as it was: a billing from before the ErrorInfo finds the SKUs in it.
 */
final class RefusalStatus {

    private static final String DOMAIN = "shop.inventory";
    private static final String SKUS = "skus";

    private RefusalStatus() {
    }

    static StatusRuntimeException of(ReservationRefused refused) {
        ErrorInfo.Builder info = ErrorInfo.newBuilder().setDomain(DOMAIN).setReason(reason(refused).name());
        if (!refused.skus().isEmpty()) {
            info.putMetadata(SKUS, String.join(",", refused.skus()));
        }
        Code code = refused.reason() == ReservationRefused.Reason.UNKNOWN_SKU ? Code.NOT_FOUND : Code.FAILED_PRECONDITION;
        return StatusProto.toStatusRuntimeException(Status.newBuilder()
                .setCode(code.getNumber())
                .setMessage(refused.getMessage())
                .addDetails(Any.pack(info.build()))
                .build());
    }

    private static ErrorReason reason(ReservationRefused refused) {
        return switch (refused.reason()) {
            case OUT_OF_STOCK -> ErrorReason.OUT_OF_STOCK;
            case UNKNOWN_SKU -> ErrorReason.UNKNOWN_SKU;
            case NOT_HELD -> ErrorReason.NOT_HELD;
        };
    }
}
