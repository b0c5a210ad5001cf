package shop.inventory.stock;

import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** How many of each SKU can still be sold. Held stock is already taken off. */
@Service
@Transactional
public class Stock {

    private final JdbcClient jdbc;

    Stock(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional(readOnly = true)
    public Optional<Integer> available(String sku) {
        return jdbc.sql("select available from stock where sku = ?").param(sku).query(Integer.class).optional();
    }

    /** An admin's count: sets the level, creating the SKU when it is new. */
    public void set(String sku, int available) {
        jdbc.sql("""
                insert into stock (sku, available) values (?, ?)
                on conflict (sku) do update set available = excluded.available, updated_at = now()""")
                .params(sku, available)
                .update();
    }
}
