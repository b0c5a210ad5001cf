package shop.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import shop.catalog.product.Catalog;
import shop.catalog.product.Product;
import shop.testing.FreshDatabase;

/** Ranked full-text search and paging against the seeded catalog in a real PostgreSQL. */
@FreshDatabase
@SpringBootTest(
        properties = {"eureka.client.enabled=false", "spring.grpc.server.enabled=false"})
class ProductSearchTest {

    @Autowired
    Catalog catalog;

    @Autowired
    JdbcClient jdbc;

    @Test
    void seedHoldsSixtyProductsInSixCategories() {
        assertThat(jdbc.sql("select count(*) from product").query(Long.class).single()).isGreaterThanOrEqualTo(60);
        assertThat(jdbc.sql("select count(*) from category").query(Long.class).single()).isGreaterThanOrEqualTo(6);
        assertThat(jdbc.sql("select count(*) from category c where (select count(*) from product p"
                + " where p.category_id = c.id) < 5").query(Long.class).single())
                .as("categories with fewer than five products").isZero();
    }

    @Test
    void nameMatchesRankAboveDescriptionMatches() {
        List<Product> hits = catalog.search("espresso", "", 0, 20).items();
        assertThat(hits).isNotEmpty();
        assertThat(hits.get(0).getName()).isEqualTo("Espresso Machine");
    }

    @Test
    void stemmingFindsOtherFormsOfAWord() {
        Catalog.SearchResult singular = catalog.search("espresso machine", "", 0, 20);
        Catalog.SearchResult plural = catalog.search("espresso machines", "", 0, 20);
        assertThat(plural.total()).isEqualTo(singular.total()).isPositive();
    }

    @Test
    void categoryFilterKeepsOnlyThatCategory() {
        String slug = jdbc.sql("select slug from category order by slug limit 1").query(String.class).single();
        Catalog.SearchResult result = catalog.search("", slug, 0, 100);
        assertThat(result.items()).isNotEmpty()
                .allSatisfy(product -> assertThat(product.getCategory().getSlug()).isEqualTo(slug));
        assertThat(result.total()).isEqualTo(result.items().size());
    }

    @Test
    void pagesCoverEveryProductExactlyOnce() {
        long total = catalog.search("", "", 0, 7).total();
        List<Long> seen = new java.util.ArrayList<>();
        for (int page = 0; page * 7L < total; page++) {
            catalog.search("", "", page, 7).items().forEach(product -> seen.add(product.getId()));
        }
        assertThat(seen).hasSize((int) total).doesNotHaveDuplicates();
        assertThat(catalog.search("", "", (int) (total / 7) + 1, 7).items()).isEmpty();
    }

    @Test
    void sqlMetacharactersAreSearchedForNotExecuted() {
        Catalog.SearchResult result = catalog.search("'; drop table product; -- \" \\ % _ & | ! ( :*", "", 0, 20);
        assertThat(result.total()).isZero();
        assertThat(jdbc.sql("select count(*) from product").query(Long.class).single()).isGreaterThanOrEqualTo(60);
    }

    @Test
    void unknownCategoryMatchesNothing() {
        assertThat(catalog.search("", "no-such-category", 0, 20).total()).isZero();
    }
}
