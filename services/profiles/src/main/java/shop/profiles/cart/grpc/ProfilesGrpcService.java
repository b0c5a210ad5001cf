package shop.profiles.cart.grpc;

import java.util.UUID;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.springframework.stereotype.Service;
import shop.platform.grpc.CalledBy;
import shop.profiles.cart.CartLine;
import shop.profiles.cart.Carts;
import shop.profiles.v1.Cart;
import shop.profiles.v1.CartItem;
import shop.profiles.v1.ClearCartRequest;
import shop.profiles.v1.ClearCartResponse;
import shop.profiles.v1.GetCartRequest;
import shop.profiles.v1.ProfilesServiceGrpc;

/** Carts for billing's checkout: read one, and take out what the order bought once it is paid. */
@Service
class ProfilesGrpcService extends ProfilesServiceGrpc.ProfilesServiceImplBase {

    private final Carts carts;

    ProfilesGrpcService(Carts carts) {
        this.carts = carts;
    }

    @Override
    @CalledBy("billing")
    public void getCart(GetCartRequest request, StreamObserver<Cart> response) {
        UUID accountId = accountId(request.getUserId(), response);
        if (accountId == null) {
            return;
        }
        Carts.StoredCart stored = carts.cart(accountId);
        Cart.Builder cart = Cart.newBuilder().setUserId(request.getUserId()).setVersion(stored.version());
        for (CartLine line : stored.lines()) {
            cart.addItems(CartItem.newBuilder().setProductId(line.productId()).setQuantity(line.quantity()));
        }
        response.onNext(cart.build());
        response.onCompleted();
    }

    @Override
    @CalledBy("billing")
    public void clearCart(ClearCartRequest request, StreamObserver<ClearCartResponse> response) {
        UUID accountId = accountId(request.getUserId(), response);
        if (accountId == null) {
            return;
        }
        if (request.getOrderId().isEmpty()) {
            carts.clear(accountId);
        } else {
            UUID orderId = uuid("order_id", request.getOrderId(), response);
            if (orderId == null) {
                return;
            }
            if (request.getBoughtList().stream().anyMatch(item -> item.getQuantity() <= 0)) {
                response.onError(Status.INVALID_ARGUMENT.withDescription("bought.quantity: must be positive")
                        .asRuntimeException());
                return;
            }
            carts.checkedOut(accountId, orderId, request.getBoughtList().stream()
                    .map(item -> new CartLine(item.getProductId(), item.getQuantity())).toList());
        }
        response.onNext(ClearCartResponse.getDefaultInstance());
        response.onCompleted();
    }

    private static UUID accountId(String userId, StreamObserver<?> response) {
        return uuid("user_id", userId, response);
    }

    /** The field as a UUID, or null after answering INVALID_ARGUMENT naming it. */
    private static UUID uuid(String field, String value, StreamObserver<?> response) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            response.onError(Status.INVALID_ARGUMENT.withDescription(field + ": not a UUID: '" + value + "'")
                    .asRuntimeException());
            return null;
        }
    }
}
