package shop.profiles.cart;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Shoppers' carts: which products, how many, and a version that every change raises. Prices
 * live in the catalog. A change first raises the version on the account row, which also
 * serialises concurrent changes to one cart.
 */
@Service
@Transactional
public class Carts {

    public static final int MAX_QUANTITY = 99;

    /** A cart as stored: its lines, oldest first, and the version they are. */
    public record StoredCart(long version, List<CartLine> lines) {
    }

    private final JdbcClient jdbc;

    Carts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The lines and their version, read by one statement so that they belong together. */
    @Transactional(readOnly = true)
    public StoredCart cart(UUID accountId) {
        List<CartLine> lines = new ArrayList<>();
        long[] version = {0};
        jdbc.sql("""
                select a.cart_version, c.product_id, c.quantity
                from account a left join cart_item c on c.account_id = a.id
                where a.id = ? order by c.added_at, c.product_id""")
                .param(accountId)
                .query(row -> {
                    version[0] = row.getLong("cart_version");
                    long productId = row.getLong("product_id");
                    if (!row.wasNull()) {
                        lines.add(new CartLine(productId, row.getInt("quantity")));
                    }
                });
        return new StoredCart(version[0], List.copyOf(lines));
    }

    /** Sets how many of a product the cart holds; 0 removes it. */
    public void setQuantity(UUID accountId, long productId, int quantity) {
        changed(accountId);
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
            changed(accountId);
            jdbc.sql("delete from cart_item where account_id = :account and product_id in (:products)")
                    .param("account", accountId)
                    .param("products", productIds)
                    .update();
        }
    }

    public void clear(UUID accountId) {
        changed(accountId);
        jdbc.sql("delete from cart_item where account_id = ?").param(accountId).update();
    }

    /**
     * Takes what an order bought out of the cart, the first time this order asks: a line keeps
     * what the shopper added beyond it while the checkout ran.
     */
    public void checkedOut(UUID accountId, UUID orderId, List<CartLine> bought) {
        int first = jdbc.sql("""
                insert into cart_checkout (order_id, account_id)
                select ?, id from account where id = ? on conflict (order_id) do nothing""")
                .params(orderId, accountId).update();
        if (first == 0) {
            return;
        }
        changed(accountId);
        for (CartLine line : bought) {
            jdbc.sql("delete from cart_item where account_id = ? and product_id = ? and quantity <= ?")
                    .params(accountId, line.productId(), line.quantity()).update();
            jdbc.sql("update cart_item set quantity = quantity - ? where account_id = ? and product_id = ?")
                    .params(line.quantity(), accountId, line.productId()).update();
        }
    }

    private void changed(UUID accountId) {
        jdbc.sql("update account set cart_version = cart_version + 1 where id = ?").param(accountId).update();
    }
}
