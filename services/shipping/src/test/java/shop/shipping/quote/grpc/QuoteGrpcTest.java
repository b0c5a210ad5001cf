package shop.shipping.quote.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;
import shop.shipping.v1.Address;
import shop.shipping.v1.Item;
import shop.shipping.v1.QuoteRequest;
import shop.shipping.v1.QuoteResponse;
import shop.shipping.v1.ShippingServiceGrpc;
import shop.testing.FreshBroker;
import shop.testing.FreshDatabase;
import shop.testing.TestIdentities;

/**
 * Quote over real gRPC, as billing calls it, with the shop based in Germany (which the default
 * rate card also lists under europe: home wins) to show that the zones come from configuration.
 */
@FreshDatabase
@FreshBroker
@SpringBootTest(properties = "shop.shipping.home-country=DE")
class QuoteGrpcTest {

    @Autowired
    GrpcServerLifecycle grpcServer;

    ManagedChannel channel;
    ShippingServiceGrpc.ShippingServiceBlockingStub shipping;

    @BeforeEach
    void connect() {
        channel = TestIdentities.channel(TestIdentities.client("billing"), "shipping", grpcServer.getPort());
        shipping = ShippingServiceGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void theCountryChoosesZoneCarrierAndRate() {
        QuoteResponse home = quote("DE", item(1, 800, 1000));
        assertThat(home.getZone()).isEqualTo("domestic");
        assertThat(home.getCarrier()).isEqualTo("Fig Post");
        assertThat(home.getEtaDays()).isEqualTo(3);
        assertThat(home.getCostCents()).isEqualTo(499);
        assertThat(home.getCurrency()).isEqualTo("USD");

        QuoteResponse europe = quote("fr", item(1, 800, 1000));
        assertThat(europe.getZone()).isEqualTo("europe");
        assertThat(europe.getCarrier()).isEqualTo("Fig Post International");
        assertThat(europe.getEtaDays()).isEqualTo(7);
        assertThat(europe.getCostCents()).isEqualTo(1499);

        QuoteResponse world = quote("US", item(1, 800, 1000));
        assertThat(world.getZone()).isEqualTo("world");
        assertThat(world.getCarrier()).isEqualTo("Fig Express Worldwide");
        assertThat(world.getEtaDays()).isEqualTo(12);
        assertThat(world.getCostCents()).isEqualTo(2499);
    }

    @Test
    void eachStartedKilogramAfterTheFirstCostsExtra() {
        assertThat(quote("DE", item(1, 1000, 100)).getCostCents()).isEqualTo(499);
        assertThat(quote("DE", item(1, 1001, 100)).getCostCents()).isEqualTo(499 + 100);
        assertThat(quote("DE", item(3, 700, 100)).getCostCents()).isEqualTo(499 + 2 * 100);
        assertThat(quote("FR", item(2, 1500, 100), item(1, 500, 100)).getCostCents()).isEqualTo(1499 + 3 * 300);
        assertThat(quote("JP", item(1, 20_000, 100)).getCostCents()).isEqualTo(2499 + 19 * 500);
    }

    @Test
    void aSubtotalReachingTheThresholdShipsFreeToAnyZone() {
        assertThat(quote("JP", item(3, 5000, 2500), item(1, 100, 0)).getCostCents()).isZero();
        QuoteResponse justBelow = quote("JP", item(1, 5000, 2500), item(2, 100, 2499));
        assertThat(justBelow.getCostCents()).isEqualTo(2499 + 5 * 500);
        assertThat(quote("JP", item(1000, 100, Long.MAX_VALUE), item(1000, 100, Long.MAX_VALUE)).getCostCents())
                .isZero();
        QuoteResponse free = quote("DE", item(1, 100, 7500));
        assertThat(free.getCostCents()).isZero();
        assertThat(free.getCarrier()).isEqualTo("Fig Post");
        assertThat(free.getZone()).isEqualTo("domestic");
    }

    @Test
    void badRequestsAreInvalidArgumentsNamingTheField() {
        assertInvalid(request("XX", item(1, 100, 100)), "address.country");
        assertInvalid(request("DEU", item(1, 100, 100)), "address.country");
        assertInvalid(request("", item(1, 100, 100)), "address.country");
        assertInvalid(request("DE", item(1, 100, 100)).toBuilder().clearAddress().build(), "address");
        assertInvalid(request("DE"), "items");
        assertInvalid(request("DE", Collections.nCopies(101, item(1, 100, 100)).toArray(Item[]::new)), "items");
        assertInvalid(request("DE", item(0, 100, 100)), "items[0].quantity");
        assertInvalid(request("DE", item(1, 100, 100), item(1001, 100, 100)), "items[1].quantity");
        assertInvalid(request("DE", item(1, 100, 100), item(1, 0, 100)), "items[1].weight_grams");
        assertInvalid(request("DE", item(1, 100, -1)), "items[0].price_cents");
        assertInvalid(request("DE", item(1, 100, 100)).toBuilder().setCurrency("EUR").build(), "currency");
        assertInvalid(request("DE", item(1, 100, 100)).toBuilder().clearCurrency().build(), "currency");
    }

    private QuoteResponse quote(String country, Item... items) {
        return shipping.withDeadlineAfter(10, TimeUnit.SECONDS).quote(request(country, items));
    }

    private void assertInvalid(QuoteRequest request, String field) {
        assertThatThrownBy(() -> shipping.withDeadlineAfter(10, TimeUnit.SECONDS).quote(request))
                .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode())
                        .isEqualTo(Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining(field + ":");
    }

    private static QuoteRequest request(String country, Item... items) {
        return QuoteRequest.newBuilder()
                .setAddress(Address.newBuilder().setLine1("Hauptstr. 1").setCity("Berlin").setPostalCode("10115")
                        .setCountry(country))
                .addAllItems(List.of(items))
                .setCurrency("USD")
                .build();
    }

    private static Item item(int quantity, int weightGrams, long priceCents) {
        return Item.newBuilder().setProductId(1).setQuantity(quantity).setWeightGrams(weightGrams)
                .setPriceCents(priceCents).build();
    }
}
