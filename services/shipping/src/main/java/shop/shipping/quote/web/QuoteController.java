package shop.shipping.quote.web;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import shop.shipping.quote.CatalogQuotes;
import shop.shipping.quote.Quote;
import shop.shipping.quote.RateCard;

/** What shipping a basket would cost, for the front-end: products by id, weighed and priced by the catalog. */
@RestController
class QuoteController {

    record Address(@NotBlank @Size(max = 200) String line1, @Size(max = 200) String line2,
            @NotBlank @Size(max = 100) String city, @NotBlank @Size(max = 20) String postalCode,
            @NotBlank String country) {
    }

    record Item(@NotNull Long productId, @NotNull @Min(1) @Max(RateCard.MAX_QUANTITY) Integer quantity) {
    }

    record QuoteRequest(@NotNull @Valid Address address,
            @NotEmpty @Size(max = RateCard.MAX_ITEMS) List<@NotNull @Valid Item> items) {
    }

    record QuoteView(long costCents, String currency, String carrier, int etaDays, String zone) {
    }

    private final CatalogQuotes quotes;

    QuoteController(CatalogQuotes quotes) {
        this.quotes = quotes;
    }

    @PostMapping("/api/shipping/quotes")
    QuoteView quote(@Valid @RequestBody QuoteRequest request) {
        Quote quote = quotes.quote(request.address().country(), request.items().stream()
                .map(item -> new CatalogQuotes.OrderedItem(item.productId(), item.quantity()))
                .toList());
        return new QuoteView(quote.costCents(), quote.currency(), quote.carrier(), quote.etaDays(),
                quote.zone().wireName());
    }
}
