package shop.catalog.product;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/** Asked for a product id that the catalog does not hold: a 404 problem naming the id. */
public class ProductNotFoundException extends ResponseStatusException {

    public ProductNotFoundException(long id) {
        super(HttpStatus.NOT_FOUND, "No product with id " + id + ".");
    }
}
