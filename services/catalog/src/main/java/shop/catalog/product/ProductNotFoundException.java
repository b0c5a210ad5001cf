package shop.catalog.product;

/** Asked for a product id that the catalog does not hold. */
public class ProductNotFoundException extends RuntimeException {

    public ProductNotFoundException(long id) {
        super("No product with id " + id + ".");
    }
}
