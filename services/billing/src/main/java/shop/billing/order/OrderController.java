package shop.billing.order;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The shopper's orders and invoices. Another shopper's order is answered exactly like one that
 * does not exist (404), so ids reveal nothing. A failed checkout is not an order.
 */
@RestController
class OrderController {

    private final OrderStore orders;

    OrderController(OrderStore orders) {
        this.orders = orders;
    }

    @GetMapping("/api/billing/orders")
    List<Map<String, Object>> mine(@AuthenticationPrincipal Jwt token) {
        return orders.ordersOf(owner(token)).stream().filter(OrderController::isOrder).map(OrderViews::summary)
                .toList();
    }

    @GetMapping("/api/billing/orders/{id}")
    Map<String, Object> one(@AuthenticationPrincipal Jwt token, @PathVariable UUID id) {
        return OrderViews.details(orders.order(owner(token), id).filter(OrderController::isOrder)
                .orElseThrow(() -> notFound("order", id)));
    }

    @GetMapping(path = "/api/billing/invoices/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> invoice(@AuthenticationPrincipal Jwt token, @PathVariable UUID id) {
        return OrderViews.invoice(invoiced(token, id));
    }

    /** The printable invoice, for {@code Accept: text/html}. */
    @GetMapping(path = "/api/billing/invoices/{id}", produces = MediaType.TEXT_HTML_VALUE)
    String printableInvoice(@AuthenticationPrincipal Jwt token, @PathVariable UUID id) {
        return InvoicePage.render(invoiced(token, id));
    }

    private Order invoiced(Jwt token, UUID invoiceId) {
        return orders.invoiced(owner(token), invoiceId).orElseThrow(() -> notFound("invoice", invoiceId));
    }

    private static boolean isOrder(Order order) {
        return !"FAILED".equals(order.status());
    }

    private static UUID owner(Jwt token) {
        return UUID.fromString(token.getSubject());
    }

    private static ResponseStatusException notFound(String what, UUID id) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "You have no " + what + " " + id + ".");
    }
}
