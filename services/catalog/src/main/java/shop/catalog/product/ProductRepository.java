package shop.catalog.product;

import java.util.List;
import java.util.Optional;

import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.Repository;

interface ProductRepository extends Repository<Product, Long> {

    Optional<Product> findById(long id);

    boolean existsBySku(String sku);

    Product saveAndFlush(Product product);

    void delete(Product product);

    List<Product> findAllByIdIn(List<Long> ids);

    /*
     * websearch_to_tsquery accepts any text a shopper types (quotes, operators, SQL
     * metacharacters) without a syntax error, and the GIN index on search keeps it fast.
     * An empty text matches everything, in name order.
     */
    @Query(nativeQuery = true, value = """
            select p.* from product p join category c on c.id = p.category_id
            where (:text = '' or p.search @@ websearch_to_tsquery('english', :text))
              and (:category = '' or c.slug = :category)
            order by case when :text = '' then 0
                          else ts_rank(p.search, websearch_to_tsquery('english', :text)) end desc,
                     p.name, p.id
            limit :limit offset :offset""")
    List<Product> search(String text, String category, int limit, long offset);

    @Query(nativeQuery = true, value = """
            select count(*) from product p join category c on c.id = p.category_id
            where (:text = '' or p.search @@ websearch_to_tsquery('english', :text))
              and (:category = '' or c.slug = :category)""")
    long countMatching(String text, String category);
}
