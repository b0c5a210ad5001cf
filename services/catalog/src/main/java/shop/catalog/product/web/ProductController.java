package shop.catalog.product.web;

import java.net.URI;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import shop.catalog.product.Catalog;
import shop.catalog.product.ProductNotFoundException;

@RestController
class ProductController {

    /** One page of products; {@code page} counts from 0. */
    record ProductPage(List<ProductView> items, int page, int size, long total) {
    }

    static final int MAX_PAGE_SIZE = 100;
    /** Long enough for any real search; longer text is named as a bad q rather than cut silently. */
    static final int MAX_QUERY_LENGTH = 16_384;

    private final Catalog catalog;

    ProductController(Catalog catalog) {
        this.catalog = catalog;
    }

    @GetMapping("/api/catalog/products")
    ProductPage search(
            @RequestParam(defaultValue = "") @Size(max = MAX_QUERY_LENGTH) String q,
            @RequestParam(defaultValue = "") @Size(max = 100) String category,
            @RequestParam(defaultValue = "0") @Min(0) @Max(1_000_000) int page,
            @RequestParam(defaultValue = "20") @Min(1) @Max(MAX_PAGE_SIZE) int size) {
        Catalog.SearchResult result = catalog.search(q, category, page, size);
        return new ProductPage(result.items().stream().map(ProductView::of).toList(), page, size,
                result.total());
    }

    @GetMapping("/api/catalog/products/{id}")
    ProductView product(@PathVariable long id) {
        return catalog.product(id).map(ProductView::of).orElseThrow(() -> new ProductNotFoundException(id));
    }

    @PostMapping("/api/catalog/products")
    ResponseEntity<ProductView> create(@Valid @RequestBody ProductRequest request) {
        ProductView created = ProductView.of(catalog.create(request.toDraft()));
        return ResponseEntity.created(URI.create("/api/catalog/products/" + created.id())).body(created);
    }

    @PutMapping("/api/catalog/products/{id}")
    ProductView update(@PathVariable long id, @Valid @RequestBody ProductRequest request) {
        return ProductView.of(catalog.update(id, request.toDraft()));
    }

    @DeleteMapping("/api/catalog/products/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable long id) {
        catalog.delete(id);
    }
}
