package shop.billing.checkout.grpc;

import java.util.Collection;
import java.util.List;

import org.springframework.stereotype.Component;
import shop.billing.checkout.CatalogProduct;
import shop.billing.checkout.CatalogProducts;
import shop.catalog.v1.CatalogServiceGrpc;
import shop.catalog.v1.GetProductsRequest;
import shop.catalog.v1.GetProductsResponse;
import shop.platform.grpc.Callee;
import shop.platform.grpc.GrpcCalls;

/** The prices and weights a checkout is made with, from catalog over gRPC (a read: retried). */
@Component
public class CatalogClient {

    private final Callee<CatalogServiceGrpc.CatalogServiceBlockingStub> catalog;

    CatalogClient(GrpcCalls calls) {
        this.catalog = calls.callee("catalog", CatalogServiceGrpc::newBlockingStub);
    }

    public CatalogProducts products(Collection<Long> ids) {
        GetProductsRequest request = GetProductsRequest.newBuilder().addAllIds(List.copyOf(ids)).build();
        GetProductsResponse found = catalog.idempotent(stub -> stub.getProducts(request));
        return new CatalogProducts(found.getProductsList().stream()
                .map(product -> new CatalogProduct(product.getId(), product.getSku(), product.getName(),
                        product.getPriceCents(), product.getCurrency(), product.getWeightGrams()))
                .toList(), found.getMissingIdsList());
    }
}
