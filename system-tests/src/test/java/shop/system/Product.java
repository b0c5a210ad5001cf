package shop.system;

import static org.assertj.core.api.Assertions.assertThat;

import shop.testing.ApiClient;
import tools.jackson.databind.JsonNode;

/** A product the catalog was seeded with, as its public API lists it. */
record Product(long id, String sku, String name, long priceCents) {

    /** Pages through the catalog until the SKU turns up; each test buys its own, so their stock counts do not meet. */
    static Product seeded(ApiClient gateway, String sku) {
        for (int page = 0; ; page++) {
            JsonNode items = gateway.get("/api/catalog/products?size=50&page=" + page).json().get("items");
            assertThat(items).as("a product with SKU " + sku).isNotEmpty();
            for (JsonNode found : items) {
                if (found.get("sku").asString().equals(sku)) {
                    return new Product(found.get("id").asLong(), sku, found.get("name").asString(),
                            found.get("priceCents").asLong());
                }
            }
        }
    }
}
