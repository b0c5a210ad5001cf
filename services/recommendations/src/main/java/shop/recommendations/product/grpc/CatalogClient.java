package shop.recommendations.product.grpc;

import java.util.List;

import org.springframework.stereotype.Component;
import shop.catalog.v1.CatalogServiceGrpc;
import shop.catalog.v1.GetProductsRequest;
import shop.platform.grpc.Callee;
import shop.platform.grpc.GrpcCalls;
import shop.recommendations.product.CatalogProduct;

/** The details of recommended products, from catalog over gRPC (a read: retried). */
@Component
public class CatalogClient {

    private final Callee<CatalogServiceGrpc.CatalogServiceBlockingStub> catalog;

    CatalogClient(GrpcCalls calls) {
        this.catalog = calls.callee("catalog", CatalogServiceGrpc::newBlockingStub);
    }

    /** The products of these ids that the catalog sells; an id it does not know is left out. */
    public List<CatalogProduct> sold(List<Long> ids) {
        GetProductsRequest request = GetProductsRequest.newBuilder().addAllIds(ids).build();
        return catalog.idempotent(stub -> stub.getProducts(request)).getProductsList()
                .stream()
                .map(product -> new CatalogProduct(product.getId(), product.getSku(), product.getName(),
                        product.getDescription(), product.getPriceCents(), product.getCurrency(),
                        product.getCategory(), product.getImageUrl(), product.getWeightGrams()))
                .toList();
    }
}
