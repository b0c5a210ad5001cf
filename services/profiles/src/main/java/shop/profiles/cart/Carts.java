package shop.profiles.cart;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Shoppers' carts: which products, how many. Prices live in the catalog. */
@Service
@Transactional
public class Carts {

    public static final int MAX_QUANTITY = 99;

    private final JdbcClient jdbc;

    Carts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional(readOnly = true)
    public List<CartLine> lines(UUID accountId) {
        return jdbc.sql("select product_id, quantity from cart_item where account_id = ? order by added_at, product_id")
                .param(accountId)
                .query((row, n) -> new CartLine(row.getLong("product_id"), row.getInt("quantity")))
                .list();
    }

    /** Sets how many of a product the cart holds; 0 removes it. */
    public void setQuantity(UUID accountId, long productId, int quantity) {
        if (quantity == 0) {
            jdbc.sql("delete from cart_item where account_id = ? and product_id = ?").params(accountId, productId).update();
            return;
        }
        jdbc.sql("""
                insert into cart_item (account_id, product_id, quantity) values (?, ?, ?)
                on conflict (account_id, product_id) do update set quantity = excluded.quantity""")
                .params(accountId, productId, quantity)
                .update();
    }

    /** Drops products the catalog no longer sells. */
    public void remove(UUID accountId, Collection<Long> productIds) {
        if (!productIds.isEmpty()) {
            jdbc.sql("delete from cart_item where account_id = :account and product_id in (:products)")
                    .param("account", accountId)
                    .param("products", productIds)
                    .update();
        }
    }

    public void clear(UUID accountId) {
        jdbc.sql("delete from cart_item where account_id = ?").param(accountId).update();
    }
}
