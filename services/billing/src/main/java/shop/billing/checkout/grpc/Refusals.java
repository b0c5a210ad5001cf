package shop.billing.checkout.grpc;

import java.util.Map;
import java.util.function.Function;

import io.grpc.Status;
import shop.platform.problem.CalleeFailed;
import shop.platform.problem.InvalidFieldException;

/**
 * What billing makes of a callee's refusal: an answer it understands becomes one of billing's
 * exceptions, anything else stays the {@link CalleeFailed} it was. Each returns what to throw.
 */
final class Refusals {

    private Refusals() {
    }

    /** The refusal with this status code as {@code into} makes it of the callee's text, or the failure as it was. */
    static RuntimeException as(CalleeFailed failure, Status.Code code, Function<String, RuntimeException> into) {
        Status status = Status.fromThrowable(failure);
        return status.getCode() == code ? into.apply(status.getDescription()) : failure;
    }

    /**
     * Shipping and payment answer a bad field with INVALID_ARGUMENT and a text that names it in
     * their own words ("card.cvc: must be 3 digits"); the shopper must be told which of their
     * fields to correct (payment.cvc).
     *
     * @param calleePrefix the callee's name for the part of the request the shopper filled in ({@code card.})
     * @param checkoutPrefix the checkout request's name for that part ({@code payment.})
     * @param renamed the callee's fields that the checkout request names otherwise ({@code card.exp}: {@code payment.expYear})
     * @return an {@link InvalidFieldException} naming the checkout request's field, or the failure as it was
     *         when it names no field of that part
     */
    static RuntimeException asCheckoutField(CalleeFailed failure, String calleePrefix, String checkoutPrefix,
            Map<String, String> renamed) {
        Status status = Status.fromThrowable(failure);
        String description = String.valueOf(status.getDescription());
        int colon = description.indexOf(": ");
        if (status.getCode() != Status.Code.INVALID_ARGUMENT || colon < 0 || !description.startsWith(calleePrefix)) {
            return failure;
        }
        String calleeField = description.substring(0, colon);
        String field = renamed.getOrDefault(calleeField, checkoutPrefix + calleeField.substring(calleePrefix.length()));
        return new InvalidFieldException(field, description.substring(colon + 2));
    }
}
