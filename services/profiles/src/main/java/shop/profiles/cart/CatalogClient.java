package shop.profiles.cart;

import java.util.Collection;
import java.util.List;

import org.springframework.stereotype.Component;
import shop.catalog.v1.CatalogServiceGrpc;
import shop.catalog.v1.GetProductsRequest;
import shop.catalog.v1.GetProductsResponse;
import shop.platform.grpc.GrpcCalls;
import shop.platform.grpc.ServiceChannels;

/** Product names and current prices for carts, from catalog over gRPC (a read: retried). */
@Component
class CatalogClient {

    private static final String CATALOG = "catalog";

    private final CatalogServiceGrpc.CatalogServiceBlockingStub catalog;
    private final GrpcCalls calls;

    CatalogClient(ServiceChannels channels, GrpcCalls calls) {
        this.catalog = CatalogServiceGrpc.newBlockingStub(channels.channel(CATALOG));
        this.calls = calls;
    }

    GetProductsResponse products(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return GetProductsResponse.getDefaultInstance();
        }
        GetProductsRequest request = GetProductsRequest.newBuilder().addAllIds(List.copyOf(ids)).build();
        return calls.idempotent(CATALOG, () -> calls.withDeadline(catalog).getProducts(request));
    }
}
