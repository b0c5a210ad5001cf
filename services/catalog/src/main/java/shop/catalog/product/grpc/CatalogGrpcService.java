package shop.catalog.product.grpc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.springframework.stereotype.Service;
import shop.catalog.product.Catalog;
import shop.catalog.product.Product;
import shop.catalog.v1.CatalogServiceGrpc;
import shop.catalog.v1.GetProductsRequest;
import shop.catalog.v1.GetProductsResponse;
import shop.platform.grpc.CalledBy;

/** Products for other services (billing prices carts with it), in the order they were asked. */
@Service
class CatalogGrpcService extends CatalogServiceGrpc.CatalogServiceImplBase {

    static final int MAX_IDS = 500;

    private final Catalog catalog;

    CatalogGrpcService(Catalog catalog) {
        this.catalog = catalog;
    }

    @Override
    @CalledBy(CalledBy.ANY_SERVICE)
    public void getProducts(GetProductsRequest request, StreamObserver<GetProductsResponse> response) {
        if (request.getIdsCount() > MAX_IDS) {
            response.onError(Status.INVALID_ARGUMENT
                    .withDescription("ids: at most " + MAX_IDS + " per call, got " + request.getIdsCount())
                    .asRuntimeException());
            return;
        }
        List<Long> ids = request.getIdsList().stream().distinct().toList();
        Map<Long, Product> found = catalog.products(ids).stream()
                .collect(Collectors.toMap(Product::getId, Function.identity(), (a, b) -> a, LinkedHashMap::new));
        GetProductsResponse.Builder reply = GetProductsResponse.newBuilder();
        for (long id : ids) {
            Product product = found.get(id);
            if (product == null) {
                reply.addMissingIds(id);
            } else {
                reply.addProducts(toMessage(product));
            }
        }
        response.onNext(reply.build());
        response.onCompleted();
    }

    private static shop.catalog.v1.Product toMessage(Product product) {
        return shop.catalog.v1.Product.newBuilder()
                .setId(product.getId())
                .setSku(product.getSku())
                .setName(product.getName())
                .setDescription(product.getDescription())
                .setPriceCents(product.getPriceCents())
                .setCurrency(product.getCurrency())
                .setCategory(product.getCategory().getSlug())
                .setImageUrl(product.getImageUrl())
                .setWeightGrams(product.getWeightGrams())
                .build();
    }
}
