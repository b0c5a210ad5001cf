package shop.billing.checkout;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import shop.billing.order.OrderViews;
import shop.platform.problem.InvalidFieldException;

/**
 * {@code POST /api/billing/orders} checks out the signed-in shopper's cart (docs/api.md#checkout);
 * {@code POST /api/billing/orders/{id}/cancel} cancels one of their orders before dispatch.
 */
@RestController
class CheckoutController {

    private final CheckoutSaga saga;
    private final OrderCancellation cancellation;

    CheckoutController(CheckoutSaga saga, OrderCancellation cancellation) {
        this.saga = saga;
        this.cancellation = cancellation;
    }

    @PostMapping("/api/billing/orders/{id}/cancel")
    Map<String, Object> cancel(@AuthenticationPrincipal Jwt token, @PathVariable UUID id) {
        return OrderViews.details(cancellation.cancel(UUID.fromString(token.getSubject()), id));
    }

    @PostMapping("/api/billing/orders")
    ResponseEntity<Map<String, Object>> checkout(@AuthenticationPrincipal Jwt token,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @Valid @RequestBody CheckoutRequest request) {
        if (idempotencyKey == null || idempotencyKey.isBlank() || idempotencyKey.length() > 100) {
            throw new InvalidFieldException("Idempotency-Key",
                    "is required: up to 100 characters (a fresh UUID per checkout), sent again unchanged on a retry");
        }
        UUID userId = UUID.fromString(token.getSubject());
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(OrderViews.placed(saga.checkout(userId, idempotencyKey.strip(), request)));
    }

    @ExceptionHandler(CheckoutFailed.class)
    ProblemDetail failed(CheckoutFailed failure) {
        HttpStatus status = HttpStatus.valueOf(failure.status());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, failure.getMessage());
        problem.setTitle(status == HttpStatus.PAYMENT_REQUIRED ? "Payment Declined" : status.getReasonPhrase());
        if (failure.field() != null) {
            problem.setProperty("errors", List.of(Map.of("field", failure.field(), "message", failure.getMessage())));
        }
        return problem;
    }
}
