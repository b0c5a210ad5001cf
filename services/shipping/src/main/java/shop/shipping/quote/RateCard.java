package shop.shipping.quote;

import java.util.List;
import java.util.Locale;

import org.springframework.stereotype.Component;
import shop.platform.problem.InvalidFieldException;
import shop.shipping.ShippingProperties;
import shop.shipping.ShippingProperties.ZoneRate;

/**
 * Prices a parcel: the destination country gives the zone, the zone gives the carrier and the
 * rate, and the total weight gives the price: the first kilogram, then each further started one.
 * Items whose subtotal reaches the threshold ship free. A pure function of its input and the
 * configuration, so the same question always gets the same answer.
 */
@Component
public class RateCard {

    /** The largest parcel quoted: enough for any cart, and far from overflowing a long. */
    public static final int MAX_ITEMS = 100;
    public static final int MAX_QUANTITY = 1_000;

    private static final int GRAMS_PER_KG = 1000;

    private final ShippingProperties properties;

    RateCard(ShippingProperties properties) {
        this.properties = properties;
    }

    /**
     * @param zone from {@link #zoneOf}
     * @param items valid lines: positive quantities and weights, prices not negative
     * @param currency what the items are priced in
     * @throws InvalidFieldException naming {@code currency} when it is not the rate card's
     */
    public Quote quote(Zone zone, List<ShippedItem> items, String currency) {
        if (!properties.currency().equals(currency)) {
            throw new InvalidFieldException("currency", "shipping is priced in " + properties.currency()
                    + ", not in '" + currency + "'");
        }
        ZoneRate rate = properties.zones().get(zone);
        long grams = items.stream().mapToLong(item -> (long) item.quantity() * item.weightGrams()).sum();
        long threshold = properties.freeShippingThresholdCents();
        // A unit price above the threshold counts as the threshold: as decisive, and it cannot overflow.
        long subtotal = items.stream()
                .mapToLong(item -> item.quantity() * Math.min(item.priceCents(), threshold))
                .sum();
        long startedKgs = (grams + GRAMS_PER_KG - 1) / GRAMS_PER_KG;
        long cost = subtotal >= threshold ? 0
                : rate.firstKgCents() + Math.max(0, startedKgs - 1) * rate.perExtraKgCents();
        return new Quote(cost, currency, rate.carrier(), rate.etaDays(), zone);
    }

    /**
     * @param country ISO 3166-1 alpha-2, in either case
     * @throws InvalidFieldException naming {@code address.country} when it is no such code
     */
    public Zone zoneOf(String country) {
        String code = country.toUpperCase(Locale.ROOT);
        if (!ShippingProperties.COUNTRIES.contains(code)) {
            throw new InvalidFieldException("address.country",
                    "must be an ISO 3166-1 alpha-2 country code such as DE, got '" + country + "'");
        }
        if (code.equals(properties.homeCountry())) {
            return Zone.DOMESTIC;
        }
        return properties.europeCountries().contains(code) ? Zone.EUROPE : Zone.WORLD;
    }
}
