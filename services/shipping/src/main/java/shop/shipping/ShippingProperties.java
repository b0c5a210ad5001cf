package shop.shipping;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;
import shop.shipping.quote.Zone;

/**
 * The rate card. Its values live in application.yml and are checked at start-up, so a typo in a
 * country code or a missing zone stops the service instead of mispricing parcels.
 *
 * @param currency the ISO 4217 currency of every amount here, and of the items quoted
 * @param homeCountry ISO 3166-1 alpha-2; parcels to it are {@link Zone#DOMESTIC}
 * @param europeCountries ISO 3166-1 alpha-2 codes of the {@link Zone#EUROPE} zone; every other
 *        valid country is {@link Zone#WORLD}
 * @param freeShippingThresholdCents items whose subtotal reaches this ship free
 * @param zones the carrier, delivery time and price of each zone
 */
@Validated
@ConfigurationProperties("shop.shipping")
public record ShippingProperties(
        @NotNull @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as USD") String currency,
        @NotNull String homeCountry,
        @NotNull Set<String> europeCountries,
        @PositiveOrZero @Max(1_000_000_000_000L) long freeShippingThresholdCents,
        @NotNull Map<Zone, @Valid @NotNull ZoneRate> zones) {

    /** Countries the JDK knows as ISO 3166-1 alpha-2 codes. */
    public static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());

    /**
     * @param carrier who carries parcels to this zone, as the shopper sees it
     * @param etaDays days from dispatch to delivery
     * @param firstKgCents the price of a parcel up to one kilogram
     * @param perExtraKgCents added for each further started kilogram
     */
    public record ZoneRate(@NotBlank String carrier, @Positive @Max(365) int etaDays,
            @PositiveOrZero @Max(1_000_000) long firstKgCents, @PositiveOrZero @Max(1_000_000) long perExtraKgCents) {
    }

    public ShippingProperties {
        if (homeCountry != null && !COUNTRIES.contains(homeCountry)) {
            throw new IllegalArgumentException("shop.shipping.home-country: " + homeCountry
                    + " is not an ISO 3166-1 alpha-2 code");
        }
        if (europeCountries != null) {
            for (String country : europeCountries) {
                if (!COUNTRIES.contains(country)) {
                    throw new IllegalArgumentException("shop.shipping.europe-countries: " + country
                            + " is not an ISO 3166-1 alpha-2 code");
                }
            }
        }
        if (zones != null && !zones.keySet().containsAll(Set.of(Zone.values()))) {
            throw new IllegalArgumentException("shop.shipping.zones: a rate for each of domestic, europe and world"
                    + " is needed, got " + zones.keySet());
        }
    }
}
