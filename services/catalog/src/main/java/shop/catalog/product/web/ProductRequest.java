package shop.catalog.product.web;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import shop.catalog.product.ProductDraft;

/** The body of an admin's POST or PUT of a product. */
record ProductRequest(
        @NotBlank @Size(max = 64) @Pattern(regexp = "[A-Z0-9][A-Z0-9-]*",
                message = "must be upper-case letters, digits and dashes, such as KIT-042") String sku,
        @NotBlank @Size(max = 200) String name,
        @Size(max = 4000) String description,
        @NotNull @PositiveOrZero Long priceCents,
        @NotNull @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as USD") String currency,
        @NotBlank @Size(max = 100) String category,
        @Size(max = 500) @Pattern(regexp = "(/|https://).*", message = "must be a path or an https URL") String imageUrl,
        @NotNull @Positive Integer weightGrams) {

    ProductDraft toDraft() {
        return new ProductDraft(sku, name.strip(), description, priceCents, currency, category, imageUrl, weightGrams);
    }
}
