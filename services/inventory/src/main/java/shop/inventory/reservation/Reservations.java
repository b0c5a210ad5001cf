package shop.inventory.reservation;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import shop.inventory.InventoryProperties;

/**
 * Stock held for orders during checkout. Lifecycle of a reservation, keyed by its order id:
 * Reserve takes the stock off (all items or none) and holds it until {@code expiresAt};
 * then either Commit makes the sale final, or Release (or expiry) puts the stock back; a
 * cancelled order's sold stock is put back once more by {@link #returnCancelled}. Commit of a
 * hold that lapsed takes the stock again if there is enough, because the order it is for was paid.
 * Each step is idempotent, so the saga may repeat any of them after a crash.
 *
 * <p>No oversell under concurrency: stock is taken with one conditional UPDATE per SKU
 * ({@code available >= quantity}), never read-then-write, in SKU order so concurrent
 * reservations never deadlock.
 */
@Service
@Transactional
public class Reservations {

    private final JdbcClient jdbc;
    private final InventoryProperties properties;

    Reservations(JdbcClient jdbc, InventoryProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    /**
     * @return when the hold expires
     * @throws ReservationRefused OUT_OF_STOCK or UNKNOWN_SKU; nothing is held then
     */
    public Instant reserve(String orderId, List<ReservationItem> items) {
        Instant expiresAt = Instant.now().plus(properties.reservationTtl());
        int inserted = jdbc.sql("""
                insert into reservation (order_id, status, expires_at) values (?, 'RESERVED', ?)
                on conflict (order_id) do nothing""")
                .params(orderId, Timestamp.from(expiresAt))
                .update();
        if (inserted == 0) {
            return repeatedReserve(orderId);
        }
        List<String> shortOf = new ArrayList<>();
        for (Map.Entry<String, Integer> item : merged(items).entrySet()) {
            if (!take(item.getKey(), item.getValue())) {
                shortOf.add(item.getKey());
            } else {
                jdbc.sql("insert into reservation_line (order_id, sku, quantity) values (?, ?, ?)")
                        .params(orderId, item.getKey(), item.getValue())
                        .update();
            }
        }
        if (!shortOf.isEmpty()) {
            // Thrown out of the transaction: every UPDATE above rolls back with it.
            throw refusal(shortOf);
        }
        return expiresAt;
    }

    /**
     * Puts held stock back; a released or expired order changes nothing. An unknown order is
     * recorded as released, so its Reserve, if it is still on its way (billing gave up waiting
     * for it), is refused when it lands instead of holding stock no checkout will ever commit.
     */
    public void release(String orderId) {
        int fenced = jdbc.sql("""
                insert into reservation (order_id, status, expires_at) values (?, 'RELEASED', now())
                on conflict (order_id) do nothing""")
                .param(orderId)
                .update();
        if (fenced == 1) {
            return;
        }
        Optional<String> status = lockedStatus(orderId);
        if (status.isEmpty() || !status.get().equals("RESERVED")) {
            if (status.filter("COMMITTED"::equals).isPresent()) {
                throw new ReservationRefused(ReservationRefused.Reason.NOT_HELD,
                        "order " + orderId + " is committed; its stock is sold");
            }
            return;
        }
        putBack(orderId);
    }

    /**
     * Sells the order's stock. A hold past its expiry that the sweep has not returned yet still
     * holds the stock; one already returned (expired or released) takes it again, all or nothing.
     *
     * @throws ReservationRefused OUT_OF_STOCK when a lapsed hold cannot be taken again; NOT_HELD
     *     when the order never reserved anything or was cancelled. Nothing changes then.
     */
    public void commit(String orderId) {
        Optional<String> status = lockedStatus(orderId);
        if (status.filter("COMMITTED"::equals).isPresent()) {
            return;
        }
        if (status.filter("RELEASED"::equals).isPresent()) {
            takeAgain(orderId);
        } else if (status.filter("RESERVED"::equals).isEmpty()) {
            throw new ReservationRefused(ReservationRefused.Reason.NOT_HELD, "order " + orderId + " holds no stock ("
                    + status.map(returned -> "it was cancelled").orElse("it never reserved any") + ")");
        }
        jdbc.sql("update reservation set status = 'COMMITTED' where order_id = ?").param(orderId).update();
    }

    /** Takes a released order's lines off the stock again, in SKU order; refused (and rolled back) if short. */
    private void takeAgain(String orderId) {
        List<ReservationItem> lines = jdbc.sql("select sku, quantity from reservation_line where order_id = ?")
                .param(orderId)
                .query((row, n) -> new ReservationItem(row.getString("sku"), row.getInt("quantity")))
                .list();
        if (lines.isEmpty()) {
            throw new ReservationRefused(ReservationRefused.Reason.NOT_HELD,
                    "order " + orderId + " holds no stock (it was released before it reserved any)");
        }
        List<String> shortOf = new ArrayList<>();
        for (Map.Entry<String, Integer> line : merged(lines).entrySet()) {
            if (!take(line.getKey(), line.getValue())) {
                shortOf.add(line.getKey());
            }
        }
        if (!shortOf.isEmpty()) {
            throw refusal(shortOf);
        }
    }

    /** One conditional UPDATE: takes the quantity only if that much is available. */
    private boolean take(String sku, int quantity) {
        return jdbc.sql("update stock set available = available - ?, updated_at = now() where sku = ? and available >= ?")
                .params(quantity, sku, quantity)
                .update() == 1;
    }

    /**
     * Puts back the stock of a cancelled order, once: sold stock is RETURNED, a hold still
     * RESERVED is released; a released, expired, returned or unknown order changes nothing.
     */
    public void returnCancelled(String orderId) {
        Optional<String> status = lockedStatus(orderId);
        if (status.filter(held -> held.equals("COMMITTED") || held.equals("RESERVED")).isPresent()) {
            putBack(orderId, "RETURNED");
        }
    }

    /**
     * Returns the stock of holds that expired, a batch at a time. SKIP LOCKED lets several
     * replicas sweep at once without waiting for, or double-releasing, the same hold.
     *
     * @return how many holds were released
     */
    public int releaseExpired(int batch) {
        List<String> expired = jdbc.sql("""
                select order_id from reservation where status = 'RESERVED' and expires_at < now()
                order by expires_at limit ? for update skip locked""")
                .param(batch)
                .query(String.class)
                .list();
        expired.forEach(this::putBack);
        return expired.size();
    }

    private Instant repeatedReserve(String orderId) {
        record Held(String status, Instant expiresAt) {
        }
        Held held = jdbc.sql("select status, expires_at from reservation where order_id = ?")
                .param(orderId)
                .query((row, n) -> new Held(row.getString("status"), row.getTimestamp("expires_at").toInstant()))
                .single();
        if (!held.status().equals("RESERVED")) {
            throw new ReservationRefused(ReservationRefused.Reason.NOT_HELD,
                    "order " + orderId + " was already " + held.status().toLowerCase());
        }
        return held.expiresAt();
    }

    private Optional<String> lockedStatus(String orderId) {
        return jdbc.sql("select status from reservation where order_id = ? for update")
                .param(orderId).query(String.class).optional();
    }

    private void putBack(String orderId) {
        putBack(orderId, "RELEASED");
    }

    private void putBack(String orderId, String status) {
        jdbc.sql("""
                update stock s set available = s.available + l.quantity, updated_at = now()
                from reservation_line l where l.order_id = ? and l.sku = s.sku""")
                .param(orderId)
                .update();
        jdbc.sql("update reservation set status = ? where order_id = ?").params(status, orderId).update();
    }

    private ReservationRefused refusal(List<String> shortSkus) {
        List<String> unknown = shortSkus.stream()
                .filter(sku -> jdbc.sql("select count(*) from stock where sku = ?").param(sku).query(Long.class).single() == 0)
                .toList();
        if (!unknown.isEmpty()) {
            return new ReservationRefused(ReservationRefused.Reason.UNKNOWN_SKU,
                    "no stock is kept for " + String.join(", ", unknown), unknown);
        }
        return new ReservationRefused(ReservationRefused.Reason.OUT_OF_STOCK,
                "out of stock: " + String.join(", ", shortSkus), shortSkus);
    }

    /** One quantity per SKU, in SKU order: the lock order that keeps concurrent reservations deadlock-free. */
    private static Map<String, Integer> merged(List<ReservationItem> items) {
        Map<String, Integer> bySku = new TreeMap<>(Comparator.naturalOrder());
        items.forEach(item -> bySku.merge(item.sku(), item.quantity(), Integer::sum));
        return bySku;
    }
}
