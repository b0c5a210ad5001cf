package shop.profiles.cart;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import shop.catalog.v1.CatalogServiceGrpc;
import shop.catalog.v1.GetProductsRequest;
import shop.catalog.v1.GetProductsResponse;
import shop.catalog.v1.Product;

/**
 * The catalog's gRPC contract served by the test, so profiles' own tests do not need another
 * team's service: a real gRPC server on loopback that profiles reaches through its discovery
 * client, like the real catalog. The system tests use the real catalog.
 */
final class FakeCatalog implements AutoCloseable {

    private final Map<Long, Product> products = new ConcurrentHashMap<>();
    private final int port;
    private Server server;

    FakeCatalog() {
        server = start(0);
        port = server.getPort();
    }

    int port() {
        return port;
    }

    FakeCatalog sells(long id, String sku, String name, long priceCents) {
        products.put(id, Product.newBuilder().setId(id).setSku(sku).setName(name).setPriceCents(priceCents)
                .setCurrency("USD").setCategory("kitchen").build());
        return this;
    }

    void stopsSelling(long id) {
        products.remove(id);
    }

    /** Takes the catalog away, as a crash would. */
    void goDown() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    void comeBack() {
        server = start(port);
    }

    @Override
    public void close() throws InterruptedException {
        goDown();
    }

    private Server start(int onPort) {
        try {
            return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", onPort))
                    .addService(new CatalogServiceGrpc.CatalogServiceImplBase() {
                        @Override
                        public void getProducts(GetProductsRequest request, StreamObserver<GetProductsResponse> response) {
                            GetProductsResponse.Builder reply = GetProductsResponse.newBuilder();
                            for (long id : request.getIdsList()) {
                                Product product = products.get(id);
                                if (product == null) {
                                    reply.addMissingIds(id);
                                } else {
                                    reply.addProducts(product);
                                }
                            }
                            response.onNext(reply.build());
                            response.onCompleted();
                        }
                    })
                    .build()
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
