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

/** Carts for billing's checkout: read one, and clear it once the order is placed. */
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
        Cart.Builder cart = Cart.newBuilder().setUserId(request.getUserId());
        for (CartLine line : carts.lines(accountId)) {
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
        carts.clear(accountId);
        response.onNext(ClearCartResponse.getDefaultInstance());
        response.onCompleted();
    }

    /** The account id, or null after answering INVALID_ARGUMENT. */
    private static UUID accountId(String userId, StreamObserver<?> response) {
        try {
            return UUID.fromString(userId);
        } catch (IllegalArgumentException e) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("user_id: not a UUID: '" + userId + "'")
                    .asRuntimeException());
            return null;
        }
    }
}
