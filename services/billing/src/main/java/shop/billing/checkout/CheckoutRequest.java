package shop.billing.checkout;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import shop.billing.order.Address;

/**
 * What a shopper sends to check out their cart: where to ship, the card to pay with and,
 * optionally, the version of the cart they saw, so that a cart changed since is not bought.
 */
public record CheckoutRequest(@NotNull @Valid Address shippingAddress, @NotNull @Valid Card payment,
        @PositiveOrZero Long cartVersion) {

    /** The card as typed. Passed on to payment and never stored or logged here. */
    public record Card(
            @NotBlank @Pattern(regexp = "[0-9 -]{12,23}", message = "must be 12 to 19 digits") String cardNumber,
            @NotNull @Min(1) @Max(12) Integer expMonth,
            @NotNull @Min(2000) @Max(2100) Integer expYear,
            @NotBlank @Pattern(regexp = "[0-9]{3,4}", message = "must be 3 or 4 digits") String cvc) {

        public String digits() {
            return cardNumber.replaceAll("[ -]", "");
        }

        /** Keeps the number and CVC out of any log line or error message that prints this record. */
        @Override
        public String toString() {
            String digits = digits();
            return "Card[**** " + digits.substring(Math.max(0, digits.length() - 4)) + "]";
        }
    }
}
