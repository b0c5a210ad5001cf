package shop.profiles.account;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** A shipping address; {@code country} is an ISO 3166-1 alpha-2 code such as DE or US. */
@Embeddable
public record Address(
        @Column(name = "address_line1") @NotBlank @Size(max = 200) String line1,
        @Column(name = "address_line2") @Size(max = 200) String line2,
        @Column(name = "address_city") @NotBlank @Size(max = 100) String city,
        @Column(name = "address_postal_code") @NotBlank @Size(max = 20) String postalCode,
        @Column(name = "address_country") @NotBlank @Pattern(regexp = "[A-Z]{2}",
                message = "must be a two-letter ISO country code such as DE") String country) {
}
