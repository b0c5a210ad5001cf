package shop.recommendations.product;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import shop.events.v1.OrderPlaced;

/**
 * What shoppers bought, counted per product and per pair of products in one order. Counting is
 * an upsert per row, so concurrent orders add up without lost updates; the inbox makes sure each
 * order is counted once.
 */
@Repository
@Transactional
public class Purchases {

    private final JdbcClient jdbc;

    Purchases(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void record(OrderPlaced order) {
        List<Long> products = order.lines().stream().map(OrderPlaced.Line::productId).distinct().sorted().toList();
        for (long product : products) {
            jdbc.sql("""
                    insert into product_popularity (product_id, orders) values (?, 1)
                    on conflict (product_id) do update set orders = product_popularity.orders + 1""")
                    .param(product).update();
            for (long other : products) {
                if (other != product) {
                    jdbc.sql("""
                            insert into bought_together (product_id, other_id, orders) values (?, ?, 1)
                            on conflict (product_id, other_id) do update set orders = bought_together.orders + 1""")
                            .params(product, other).update();
                }
            }
        }
    }

    /** Products most often in the same order as this one, most often first. */
    @Transactional(readOnly = true)
    public List<Long> boughtWith(long productId, int limit) {
        return jdbc.sql("select other_id from bought_together where product_id = ? order by orders desc, other_id limit ?")
                .params(productId, limit).query(Long.class).list();
    }

    /** The most ordered products, most first. */
    @Transactional(readOnly = true)
    public List<Long> popular(int limit) {
        return jdbc.sql("select product_id from product_popularity order by orders desc, product_id limit ?")
                .param(limit).query(Long.class).list();
    }
}
