package shop.catalog.product;

import java.util.List;
import java.util.Optional;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.server.ResponseStatusException;
import shop.catalog.category.Category;
import shop.catalog.category.CategoryRepository;
import shop.platform.problem.InvalidFieldException;

/** The catalog: one product, several by id, ranked search with paging, and the admin's changes. */
@Service
@Transactional(readOnly = true)
public class Catalog {

    /** One page of search results and how many match in all. */
    public record SearchResult(List<Product> items, long total) {
    }

    private final ProductRepository products;
    private final CategoryRepository categories;

    Catalog(ProductRepository products, CategoryRepository categories) {
        this.products = products;
        this.categories = categories;
    }

    /** @throws ResponseStatusException 409 when the SKU is taken */
    @Transactional
    public Product create(ProductDraft draft) {
        Category category = category(draft.category());
        if (products.existsBySku(draft.sku())) {
            throw skuTaken(draft.sku());
        }
        try {
            return products.saveAndFlush(new Product(draft, category));
        } catch (DataIntegrityViolationException e) {
            throw skuTaken(draft.sku()); // created concurrently, between the check and the insert
        }
    }

    /** @throws InvalidFieldException when the draft's SKU differs from the product's */
    @Transactional
    public Product update(long id, ProductDraft draft) {
        Product product = product(id).orElseThrow(() -> new ProductNotFoundException(id));
        if (!product.getSku().equals(draft.sku())) {
            throw new InvalidFieldException("sku", "cannot change; it stays " + product.getSku());
        }
        product.update(draft, category(draft.category()));
        return product;
    }

    @Transactional
    public void delete(long id) {
        products.delete(product(id).orElseThrow(() -> new ProductNotFoundException(id)));
    }

    private Category category(String slug) {
        return categories.findBySlug(slug)
                .orElseThrow(() -> new InvalidFieldException("category", "no category with slug '" + slug + "'"));
    }

    private static ResponseStatusException skuTaken(String sku) {
        return new ResponseStatusException(HttpStatus.CONFLICT, "A product with SKU " + sku + " already exists.");
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
