package shop.events.v1;

/** A postal address as the shopper typed it; {@code country} is ISO 3166-1 alpha-2. */
public record Address(String line1, String line2, String city, String postalCode, String country) {
}
