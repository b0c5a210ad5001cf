package shop.billing.order;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Currency;
import java.util.Locale;

import org.springframework.web.util.HtmlUtils;

/**
 * An invoice as a complete, printable HTML document. Built by hand: one small page does not
 * warrant a template engine, and every value from the database goes through HTML escaping.
 */
final class InvoicePage {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private InvoicePage() {
    }

    static String render(Order order) {
        StringBuilder lines = new StringBuilder();
        for (OrderLine line : order.lines()) {
            lines.append("<tr><td>").append(text(line.name())).append("<br><small>").append(text(line.sku()))
                    .append("</small></td><td class=\"n\">").append(line.quantity())
                    .append("</td><td class=\"n\">").append(money(line.unitPriceCents(), order.currency()))
                    .append("</td><td class=\"n\">").append(money(line.lineCents(), order.currency()))
                    .append("</td></tr>\n");
        }
        Address address = order.shippingAddress();
        String number = text(order.invoiceNumber());
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Invoice %s</title>
                <style>
                  body { font: 14px/1.5 system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; color: #222; }
                  table { width: 100%%; border-collapse: collapse; margin: 1.5rem 0; }
                  th, td { text-align: left; padding: .4rem; border-bottom: 1px solid #ddd; vertical-align: top; }
                  .n { text-align: right; white-space: nowrap; }
                  tfoot td { border: 0; } tfoot tr:last-child td { font-weight: bold; font-size: 1.1em; }
                  @media print { body { margin: 0; } }
                </style></head>
                <body>
                <h1>Invoice %s</h1>
                <p>Issued %s for order %s</p>
                <h2>Bill to</h2>
                <address>%s<br>%s%s %s<br>%s</address>
                <table>
                <thead><tr><th>Item</th><th class="n">Qty</th><th class="n">Unit price</th><th class="n">Amount</th></tr></thead>
                <tbody>
                %s</tbody>
                <tfoot>
                <tr><td colspan="3" class="n">Items</td><td class="n">%s</td></tr>
                <tr><td colspan="3" class="n">Shipping (%s)</td><td class="n">%s</td></tr>
                <tr><td colspan="3" class="n">Total</td><td class="n">%s</td></tr>
                </tfoot>
                </table>
                <p>Paid by %s ending in %s.</p>
                </body></html>
                """.formatted(number, number, DATE.format(order.invoicedAt()), order.id(),
                text(address.line1()), address.line2() == null || address.line2().isBlank() ? ""
                        : text(address.line2()) + "<br>", text(address.postalCode()), text(address.city()),
                text(address.country()), lines,
                money(order.itemsCents(), order.currency()), text(order.carrier()),
                money(order.shippingCents(), order.currency()), money(order.totalCents(), order.currency()),
                text(order.cardBrand()), text(order.cardLast4()));
    }

    private static String text(String value) {
        return value == null ? "" : HtmlUtils.htmlEscape(value);
    }

    private static String money(long cents, String currency) {
        int digits = Currency.getInstance(currency).getDefaultFractionDigits();
        return text(currency) + " " + java.math.BigDecimal.valueOf(cents, Math.max(digits, 0)).toPlainString();
    }
}
