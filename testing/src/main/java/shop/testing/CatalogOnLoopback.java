package shop.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import org.springframework.test.context.DynamicPropertyRegistry;
import shop.catalog.v1.CatalogServiceGrpc;
import shop.catalog.v1.GetProductsRequest;
import shop.catalog.v1.GetProductsResponse;
import shop.catalog.v1.Product;

/**
 * The catalog's gRPC contract on a loopback port, serving the products a test gives it, so a service's
 * tests need no other team's service. The service reaches it through its discovery client, like
 * the real catalog, over mutual TLS with the catalog's certificate of {@link TestIdentities}; the
 * system tests use the real one.
 */
public final class CatalogOnLoopback implements AutoCloseable {

    private final Map<Long, Product> products = new ConcurrentHashMap<>();
    private final int port;
    private Server server;

    public CatalogOnLoopback(List<Product> products) {
        products.forEach(this::sells);
        server = serve(0);
        port = server.getPort();
    }

    public static Product product(long id, String sku, int weightGrams, long priceCents) {
        return Product.newBuilder().setId(id).setSku(sku).setName(sku).setWeightGrams(weightGrams)
                .setPriceCents(priceCents).setCurrency("USD").build();
    }

    /** Puts a product on sale, or replaces the one with its id. */
    public CatalogOnLoopback sells(Product product) {
        products.put(product.getId(), product);
        return this;
    }

    /** Takes a product off sale: asked for, it is reported missing. */
    public void stopsSelling(long id) {
        products.remove(id);
    }

    /** Makes this the catalog that the service under test discovers (Eureka is off in its tests). */
    public void register(DynamicPropertyRegistry registry) {
        // Spring Cloud's simple discovery client stands in for Eureka; only the gRPC port is used.
        registry.add("spring.cloud.discovery.client.simple.instances.catalog[0].uri", () -> "http://127.0.0.1:1");
        registry.add("spring.cloud.discovery.client.simple.instances.catalog[0].metadata.grpc-port", this::port);
    }

    public int port() {
        return port;
    }

    /** Stops answering, as a crashed catalog would: connections are refused. */
    public void goDown() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    public void comeBack() {
        server = serve(port);
    }

    @Override
    public void close() throws InterruptedException {
        goDown();
    }

    private Server serve(int onPort) {
        CatalogServiceGrpc.CatalogServiceImplBase catalog = new CatalogServiceGrpc.CatalogServiceImplBase() {
            @Override
            public void getProducts(GetProductsRequest request, StreamObserver<GetProductsResponse> response) {
                GetProductsResponse.Builder found = GetProductsResponse.newBuilder();
                request.getIdsList().forEach(id -> {
                    if (products.containsKey(id)) {
                        found.addProducts(products.get(id));
                    } else {
                        found.addMissingIds(id);
                    }
                });
                response.onNext(found.build());
                response.onCompleted();
            }
        };
        try {
            return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", onPort), TestIdentities.server("catalog"))
                    .addService(catalog).build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
