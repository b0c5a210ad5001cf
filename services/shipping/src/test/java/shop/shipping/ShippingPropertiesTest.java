package shop.shipping;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import shop.shipping.quote.Zone;

/** The rate card in application.yml binds, and a broken one stops the service at start-up. */
class ShippingPropertiesTest {

    @EnableConfigurationProperties(ShippingProperties.class)
    static class RateCardOnly {
    }

    final ApplicationContextRunner context = new ApplicationContextRunner()
            .withInitializer(new ConfigDataApplicationContextInitializer())
            .withUserConfiguration(RateCardOnly.class);

    @Test
    void theShippedRateCardCoversEveryZone() {
        context.run(started -> {
            ShippingProperties rates = started.getBean(ShippingProperties.class);
            assertThat(rates.homeCountry()).isEqualTo("US");
            assertThat(rates.europeCountries()).contains("DE", "FR", "GB").doesNotContain("US");
            assertThat(rates.zones()).containsOnlyKeys(Zone.values());
            assertThat(rates.freeShippingThresholdCents()).isEqualTo(7500);
        });
    }

    @Test
    void aBrokenRateCardStopsStartUpNamingTheProperty() {
        assertStartUpFails("shop.shipping.europe-countries=DE,XX", "europe-countries");
        assertStartUpFails("shop.shipping.home-country=USA", "home-country");
        assertStartUpFails("shop.shipping.currency=dollars", "currency");
        assertStartUpFails("shop.shipping.zones.world.eta-days=0", "zones[WORLD].etaDays");
        assertStartUpFails("shop.shipping.zones.europe.carrier=", "zones[EUROPE].carrier");
        assertStartUpFails("shop.shipping.free-shipping-threshold-cents=-1", "freeShippingThresholdCents");
    }

    private void assertStartUpFails(String property, String named) {
        context.withPropertyValues(property).run(started -> assertThat(started).getFailure()
                .satisfies(failure -> assertThat(causes(failure)).contains(named)));
    }

    private static String causes(Throwable failure) {
        StringBuilder messages = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            messages.append(cause.getMessage()).append('\n');
        }
        return messages.toString();
    }
}
