package shop.shipping.shipment.web;

import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import shop.platform.problem.InvalidFieldException;
import shop.shipping.shipment.Shipment;
import shop.shipping.shipment.Shipments;

/**
 * A shopper's tracking. Another shopper's shipment is answered like a missing one (404); so is an
 * order whose order.placed has not reached shipping yet, which the front-end asks again for.
 */
@RestController
class ShipmentController {

    private final Shipments shipments;

    ShipmentController(Shipments shipments) {
        this.shipments = shipments;
    }

    @GetMapping("/api/shipping/shipments")
    Shipment shipment(@AuthenticationPrincipal Jwt token, @RequestParam(required = false) UUID orderId) {
        if (orderId == null) {
            throw new InvalidFieldException("orderId", "is required");
        }
        return shipments.forOrder(UUID.fromString(token.getSubject()), orderId)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                        "You have no shipment for order " + orderId + " (yet)."));
    }
}
