package shop.profiles.cart.grpc;

import java.util.Collection;
import java.util.List;

import org.springframework.stereotype.Component;
import shop.catalog.v1.CatalogServiceGrpc;
import shop.catalog.v1.GetProductsRequest;
import shop.catalog.v1.GetProductsResponse;
import shop.platform.grpc.Callee;
import shop.platform.grpc.GrpcCalls;
import shop.profiles.cart.CatalogProduct;
import shop.profiles.cart.CatalogProducts;

/** Product names and current prices for carts, from catalog over gRPC (a read: retried). */
@Component
public class CatalogClient {

    private final Callee<CatalogServiceGrpc.CatalogServiceBlockingStub> catalog;

    CatalogClient(GrpcCalls calls) {
        this.catalog = calls.callee("catalog", CatalogServiceGrpc::newBlockingStub);
    }

    public CatalogProducts products(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return new CatalogProducts(List.of(), List.of());
        }
        GetProductsRequest request = GetProductsRequest.newBuilder().addAllIds(List.copyOf(ids)).build();
        GetProductsResponse found = catalog.idempotent(stub -> stub.getProducts(request));
        return new CatalogProducts(found.getProductsList().stream()
                .map(product -> new CatalogProduct(product.getId(), product.getSku(), product.getName(),
                        product.getPriceCents(), product.getCurrency()))
                .toList(), found.getMissingIdsList());
    }
}
