package shop.billing.checkout.grpc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;
import shop.billing.checkout.ShopperCart;
import shop.billing.order.OrderLine;
import shop.platform.grpc.Callee;
import shop.platform.grpc.GrpcCalls;
import shop.profiles.v1.Cart;
import shop.profiles.v1.CartItem;
import shop.profiles.v1.ClearCartRequest;
import shop.profiles.v1.GetCartRequest;
import shop.profiles.v1.ProfilesServiceGrpc;

/**
 * The shopper's cart, from profiles over gRPC: read at checkout, and what the order bought taken
 * out of it once the order is paid. Both are retried; profiles takes an order's items out once.
 */
@Component
public class ProfilesClient {

    private final Callee<ProfilesServiceGrpc.ProfilesServiceBlockingStub> profiles;

    ProfilesClient(GrpcCalls calls) {
        this.profiles = calls.callee("profiles", ProfilesServiceGrpc::newBlockingStub);
    }

    public ShopperCart cart(UUID userId) {
        GetCartRequest request = GetCartRequest.newBuilder().setUserId(userId.toString()).build();
        Cart cart = profiles.idempotent(stub -> stub.getCart(request));
        Map<Long, Integer> items = cart.getItemsList().stream()
                .collect(Collectors.toMap(CartItem::getProductId, CartItem::getQuantity, Integer::sum, LinkedHashMap::new));
        return new ShopperCart(cart.getVersion(), items);
    }

    public void takeOut(UUID userId, UUID orderId, List<OrderLine> bought) {
        ClearCartRequest.Builder request = ClearCartRequest.newBuilder().setUserId(userId.toString())
                .setOrderId(orderId.toString());
        bought.forEach(line -> request.addBought(CartItem.newBuilder().setProductId(line.productId())
                .setQuantity(line.quantity())));
        profiles.idempotent(stub -> stub.clearCart(request.build()));
    }
}
