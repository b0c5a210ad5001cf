package shop.shipping.quote;

import java.util.Locale;

/** Where a parcel goes, seen from the shop: the rate and the carrier depend on it. */
public enum Zone {
    DOMESTIC, EUROPE, WORLD;

    /** As the APIs spell it: {@code domestic}, {@code europe}, {@code world}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
