package shop.inventory.stock.web;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import shop.inventory.stock.Stock;

@RestController
class StockController {

    record StockLevel(String sku, int available) {
    }

    record StockCount(@NotNull @PositiveOrZero @Max(1_000_000) Integer available) {
    }

    private static final String SKU = "[A-Z0-9][A-Z0-9-]{0,63}";

    private final Stock stock;

    StockController(Stock stock) {
        this.stock = stock;
    }

    @GetMapping("/api/inventory/stock/{sku}")
    StockLevel level(@PathVariable String sku) {
        return stock.available(sku).map(available -> new StockLevel(sku, available))
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No stock is kept for SKU " + sku + "."));
    }

    @PutMapping("/api/inventory/stock/{sku}")
    StockLevel count(@PathVariable @Pattern(regexp = SKU, message = "must be upper-case letters, digits and dashes")
            String sku, @Valid @RequestBody StockCount count) {
        stock.set(sku, count.available());
        return new StockLevel(sku, count.available());
    }
}
