package shop.shipping.quote;

/** What sending a parcel costs, who carries it and how long it takes. */
public record Quote(long costCents, String currency, String carrier, int etaDays, Zone zone) {
}
