package shop.billing.order;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of orders and invoices in docs/api.md#billing, built from one {@link Order}. */
public final class OrderViews {

    private OrderViews() {
    }

    /** What {@code POST /api/billing/orders} answers. */
    public static Map<String, Object> placed(Order order) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("orderId", order.id());
        view.put("status", order.status());
        view.put("cancelReason", order.cancelReason());
        amounts(order, view);
        view.put("invoiceId", order.invoiceId());
        view.put("invoiceNumber", order.invoiceNumber());
        return view;
    }

    /** One entry of the shopper's order history. */
    static Map<String, Object> summary(Order order) {
        Map<String, Object> view = placed(order);
        view.put("createdAt", order.createdAt());
        return view;
    }

    public static Map<String, Object> details(Order order) {
        Map<String, Object> view = summary(order);
        view.put("lines", lines(order.lines()));
        view.put("shippingAddress", order.shippingAddress());
        view.put("carrier", order.carrier());
        view.put("card", order.cardBrand() == null ? null
                : Map.of("brand", order.cardBrand(), "last4", order.cardLast4()));
        return view;
    }

    static Map<String, Object> invoice(Order order) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("invoiceId", order.invoiceId());
        view.put("invoiceNumber", order.invoiceNumber());
        view.put("orderId", order.id());
        view.put("issuedAt", order.invoicedAt());
        view.put("lines", lines(order.lines()));
        amounts(order, view);
        view.put("billingAddress", order.shippingAddress());
        return view;
    }

    private static void amounts(Order order, Map<String, Object> view) {
        view.put("itemsCents", order.itemsCents());
        view.put("shippingCents", order.shippingCents());
        view.put("totalCents", order.totalCents());
        view.put("currency", order.currency());
    }

    private static List<Map<String, Object>> lines(List<OrderLine> lines) {
        return lines.stream().<Map<String, Object>>map(line -> {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("productId", line.productId());
            view.put("sku", line.sku());
            view.put("name", line.name());
            view.put("quantity", line.quantity());
            view.put("unitPriceCents", line.unitPriceCents());
            view.put("lineCents", line.lineCents());
            return view;
        }).toList();
    }
}
