package shop.catalog.product;

import java.util.List;
import java.util.Optional;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Reads of the catalog: one product, several by id, and ranked search with paging. */
@Service
@Transactional(readOnly = true)
public class Catalog {

    /** One page of search results and how many match in all. */
    public record SearchResult(List<Product> items, long total) {
    }

    private final ProductRepository products;

    Catalog(ProductRepository products) {
        this.products = products;
    }

    public Optional<Product> product(long id) {
        return products.findById(id);
    }

    public List<Product> products(List<Long> ids) {
        return products.findAllByIdIn(ids);
    }

    /**
     * @param text what the shopper typed; blank means everything
     * @param category a category slug; blank means every category
     */
    public SearchResult search(String text, String category, int page, int size) {
        String query = text == null ? "" : text.strip();
        String slug = category == null ? "" : category.strip();
        long total = products.countMatching(query, slug);
        long offset = (long) page * size;
        List<Product> items = offset >= total ? List.of() : products.search(query, slug, size, offset);
        return new SearchResult(items, total);
    }
}
