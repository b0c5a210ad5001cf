package shop.billing.checkout.grpc;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;
import shop.platform.grpc.Callee;
import shop.platform.grpc.GrpcCalls;
import shop.profiles.v1.CartItem;
import shop.profiles.v1.ClearCartRequest;
import shop.profiles.v1.GetCartRequest;
import shop.profiles.v1.ProfilesServiceGrpc;

/** The shopper's cart, from profiles over gRPC: read at checkout, cleared once the order is paid. Both are retried. */
@Component
public class ProfilesClient {

    private final Callee<ProfilesServiceGrpc.ProfilesServiceBlockingStub> profiles;

    ProfilesClient(GrpcCalls calls) {
        this.profiles = calls.callee("profiles", ProfilesServiceGrpc::newBlockingStub);
    }

    /** How many of each product the shopper's cart holds, by product id, in the cart's order. */
    public Map<Long, Integer> cart(UUID userId) {
        GetCartRequest request = GetCartRequest.newBuilder().setUserId(userId.toString()).build();
        return profiles.idempotent(stub -> stub.getCart(request)).getItemsList().stream()
                .collect(Collectors.toMap(CartItem::getProductId, CartItem::getQuantity, Integer::sum, LinkedHashMap::new));
    }

    public void clearCart(UUID userId) {
        ClearCartRequest request = ClearCartRequest.newBuilder().setUserId(userId.toString()).build();
        profiles.idempotent(stub -> stub.clearCart(request));
    }
}
