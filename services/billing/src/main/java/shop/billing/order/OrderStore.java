package shop.billing.order;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.Year;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import shop.events.v1.OrderCancelled;
import shop.events.v1.OrderPlaced;
import shop.platform.events.Outbox;
import tools.jackson.databind.json.JsonMapper;

/**
 * Orders, their lines and invoices, and the progress of the checkout saga that makes them.
 * Every change of saga step is a conditional UPDATE, so a request and the recovery job (or two
 * replicas) can never both move the same order on from the same step.
 */
@Repository
@Transactional
public class OrderStore {

    /** How far a checkout or a cancellation got: see V1__orders.sql and V6__cancellation_saga_and_fencing.sql. */
    public enum Step { NEW, PLACED, UNDOING, CANCELLING, DONE }

    /** The lease epoch a checkout starts under; each takeover raises it. */
    public static final int FIRST_EPOCH = 0;

    /**
     * What a saga needs to know to resume an order: its ids, step, failure if any, and the lease
     * epoch it was read under.
     */
    public record SagaState(UUID id, UUID userId, String idempotencyKey, String requestDigest, String status,
            Step step, Instant leaseUntil, int epoch, UUID paymentId, Integer problemStatus, String problemDetail,
            String problemField) {
    }

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Outbox outbox;

    OrderStore(JdbcClient jdbc, JsonMapper json, Outbox outbox) {
        this.jdbc = jdbc;
        this.json = json;
        this.outbox = outbox;
    }

    /**
     * Starts a checkout of one version of the shopper's cart. False when this shopper already
     * used the key, or another checkout of this cart version is under way or succeeded: the
     * earlier one stands ({@link #byKey}, {@link #byCart}).
     */
    public boolean start(UUID id, UUID userId, String idempotencyKey, String requestDigest, long cartVersion,
            Address address, Duration lease) {
        return jdbc.sql("""
                insert into customer_order (id, user_id, idempotency_key, request_digest, cart_version, status, step,
                                            lease_until, shipping_address)
                values (:id, :user, :key, :digest, :cart, 'PENDING', 'NEW', now() + :lease * interval '1 millisecond',
                        :address::jsonb)
                on conflict do nothing""")
                .param("id", id)
                .param("user", userId)
                .param("key", idempotencyKey)
                .param("digest", requestDigest)
                .param("cart", cartVersion)
                .param("lease", lease.toMillis())
                .param("address", json.writeValueAsString(address))
                .update() == 1;
    }

    @Transactional(readOnly = true)
    public Optional<SagaState> byKey(UUID userId, String idempotencyKey) {
        return jdbc.sql(SAGA + " where user_id = ? and idempotency_key = ?").params(userId, idempotencyKey)
                .query(OrderStore::sagaState).optional();
    }

    /** The checkout of this cart version that is under way or succeeded, if any. */
    @Transactional(readOnly = true)
    public Optional<SagaState> byCart(UUID userId, long cartVersion) {
        return jdbc.sql(SAGA + " where user_id = ? and cart_version = ? and status <> 'FAILED'")
                .params(userId, cartVersion).query(OrderStore::sagaState).optional();
    }

    /** The priced lines, kept so that a recovery or the invoice never asks the catalog again. */
    public void priced(UUID id, List<OrderLine> lines, long itemsCents, String currency) {
        for (int i = 0; i < lines.size(); i++) {
            OrderLine line = lines.get(i);
            jdbc.sql("""
                    insert into order_line (order_id, line_no, product_id, sku, name, quantity, unit_price_cents,
                                            weight_grams)
                    values (?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(id, i + 1, line.productId(), line.sku(), line.name(), line.quantity(),
                            line.unitPriceCents(), line.weightGrams())
                    .update();
        }
        jdbc.sql("update customer_order set items_cents = ?, currency = ?, updated_at = now() where id = ?")
                .params(itemsCents, currency, id).update();
    }

    /**
     * The payment is authorised: the order and its invoice become real and the saga may only go
     * forward from here. False when the order is no longer NEW, or the recovery job took it over
     * since {@code epoch} (it is giving the checkout up).
     */
    public boolean place(UUID id, int epoch, long shippingCents, String carrier, UUID paymentId, String cardBrand,
            String cardLast4, Duration lease) {
        int placed = jdbc.sql("""
                update customer_order
                set step = 'PLACED', shipping_cents = :shipping, total_cents = items_cents + :shipping,
                    carrier = :carrier, payment_id = :payment, card_brand = :brand, card_last4 = :last4,
                    lease_until = now() + :lease * interval '1 millisecond', updated_at = now()
                where id = :id and step = 'NEW' and lease_epoch = :epoch""")
                .param("id", id)
                .param("epoch", epoch)
                .param("shipping", shippingCents)
                .param("carrier", carrier)
                .param("payment", paymentId)
                .param("brand", cardBrand)
                .param("last4", cardLast4)
                .param("lease", lease.toMillis())
                .update();
        if (placed == 0) {
            return false;
        }
        long number = jdbc.sql("select nextval('invoice_number_seq')").query(Long.class).single();
        jdbc.sql("insert into invoice (id, order_id, number) values (?, ?, ?)")
                .params(UUID.randomUUID(), id, String.format("INV-%d-%06d", Year.now().getValue(), number))
                .update();
        return true;
    }

    /**
     * Paid, stock sold, cart emptied: nothing is left to do, and {@code order.placed} goes out with
     * this commit. Only the first call for an order confirms it, so the event is written once even
     * if a request and the recovery job both finish the same checkout.
     */
    public void confirmed(UUID id) {
        Optional<UUID> owner = jdbc.sql("""
                update customer_order set status = 'CONFIRMED', step = 'DONE', updated_at = now()
                where id = ? and step = 'PLACED' returning user_id""")
                .param(id).query(UUID.class).optional();
        owner.flatMap(userId -> order(userId, id)).ifPresent(order -> outbox.add(OrderPlaced.TYPE,
                OrderPlaced.SCHEMA_VERSION, id.toString(), OrderEvents.placed(order)));
    }

    /**
     * The shopper asks to cancel a confirmed order: the cancellation saga takes its lease (over
     * one left by an earlier request or a crash, raising the epoch). Empty when the order is not
     * this shopper's CONFIRMED order, or a checkout step still runs on it.
     */
    public Optional<SagaState> cancelling(UUID userId, UUID id, Duration lease) {
        return jdbc.sql("""
                update customer_order
                set step = 'CANCELLING', lease_until = now() + :lease * interval '1 millisecond',
                    lease_epoch = lease_epoch + 1, updated_at = now()
                where id = :id and user_id = :user and status = 'CONFIRMED' and step in ('DONE', 'CANCELLING')
                returning""" + SAGA_COLUMNS)
                .param("id", id)
                .param("user", userId)
                .param("lease", lease.toMillis())
                .query(OrderStore::sagaState).optional();
    }

    /**
     * The shipment is stopped: the order becomes CANCELLED with {@code order.cancelled} (stock
     * back in inventory) in this commit.
     *
     * @return the payment to refund; empty when the cancellation was taken over since {@code epoch}
     *     or is already done
     */
    public Optional<UUID> cancelled(UUID id, int epoch) {
        Optional<SagaState> cancelled = jdbc.sql("""
                update customer_order
                set status = 'CANCELLED', step = 'DONE', cancel_reason = 'Cancelled at your request.',
                    cancelled_at = now(), updated_at = now()
                where id = ? and step = 'CANCELLING' and lease_epoch = ? returning""" + SAGA_COLUMNS)
                .params(id, epoch).query(OrderStore::sagaState).optional();
        cancelled.ifPresent(saga -> outbox.add(OrderCancelled.TYPE, OrderCancelled.SCHEMA_VERSION, id.toString(),
                new OrderCancelled(id, saga.userId(), OrderEvents.lines(order(saga.userId(), id).orElseThrow()))));
        return cancelled.map(SagaState::paymentId);
    }

    /** The parcel had left: the order stays CONFIRMED and the cancellation ends. */
    public void cancelRefused(UUID id, int epoch) {
        jdbc.sql("update customer_order set step = 'DONE', updated_at = now() where id = ? and step = 'CANCELLING' "
                + "and lease_epoch = ?").params(id, epoch).update();
    }

    /**
     * A placed order whose stock was gone when it was to be completed (its hold lapsed and the
     * stock went to others) is cancelled, never confirmed. Nothing was captured, so no refund is
     * owed: the order waits in UNDOING until its authorisation is voided. False when the order
     * was not PLACED (a concurrent completion got there first).
     */
    public boolean soldOut(UUID id, String reason) {
        return jdbc.sql("""
                update customer_order
                set status = 'CANCELLED', step = 'UNDOING', cancel_reason = ?, cancelled_at = now(),
                    refunded_at = now(), updated_at = now()
                where id = ? and step = 'PLACED'""")
                .params(reason, id).update() == 1;
    }

    /** The payment of a cancelled order was given back. */
    public void refunded(UUID id) {
        jdbc.sql("update customer_order set refunded_at = now(), updated_at = now() where id = ?").param(id).update();
    }

    /** Cancelled orders whose payment is still to be given back, oldest first, with their payment. */
    @Transactional(readOnly = true)
    public List<SagaState> refundsPending(int limit) {
        return jdbc.sql(SAGA + " where status = 'CANCELLED' and refunded_at is null order by cancelled_at limit ?")
                .param(limit).query(OrderStore::sagaState).list();
    }

    /**
     * The checkout failed and the shopper is told why. {@code undone} says whether everything it
     * did is already given back; if not, the order waits in UNDOING for the recovery job.
     * False when the order was placed meanwhile (by this saga's own recovery), so cannot fail.
     */
    public boolean failed(UUID id, int problemStatus, String problemDetail, String problemField, boolean undone) {
        return jdbc.sql("""
                update customer_order
                set status = 'FAILED', step = :step, problem_status = :status, problem_detail = :detail,
                    problem_field = :field, updated_at = now()
                where id = :id and step in ('NEW', 'UNDOING')""")
                .param("id", id)
                .param("step", undone ? "DONE" : "UNDOING")
                .param("status", problemStatus)
                .param("detail", problemDetail)
                .param("field", problemField)
                .update() == 1;
    }

    /** Nothing is left to give back for a failed order. */
    public void undone(UUID id) {
        jdbc.sql("update customer_order set step = 'DONE', updated_at = now() where id = ? and step = 'UNDOING'")
                .param(id).update();
    }

    /**
     * Takes over one unfinished checkout whose lease ran out (its billing crashed, or the step
     * that should finish it failed), leasing it anew. Replicas skip each other's claims.
     */
    public Optional<SagaState> claimAbandoned(Duration lease) {
        return jdbc.sql("""
                update customer_order
                set lease_until = now() + :lease * interval '1 millisecond', lease_epoch = lease_epoch + 1
                where id = (select id from customer_order
                            where step <> 'DONE' and lease_until < now()
                            order by lease_until limit 1 for update skip locked)
                returning""" + SAGA_COLUMNS)
                .param("lease", lease.toMillis())
                .query(OrderStore::sagaState).optional();
    }

    @Transactional(readOnly = true)
    public List<Order> ordersOf(UUID userId) {
        return jdbc.sql(ORDER + " where o.user_id = ? order by o.created_at desc").param(userId)
                .query((row, n) -> order(row, List.of())).list();
    }

    /** The order, if it is this shopper's. */
    @Transactional(readOnly = true)
    public Optional<Order> order(UUID userId, UUID id) {
        return jdbc.sql(ORDER + " where o.user_id = ? and o.id = ?").params(userId, id)
                .query((row, n) -> order(row, lines(id))).optional();
    }

    /** The order an invoice belongs to, if it is this shopper's. */
    @Transactional(readOnly = true)
    public Optional<Order> invoiced(UUID userId, UUID invoiceId) {
        return jdbc.sql(ORDER + " where o.user_id = ? and i.id = ?").params(userId, invoiceId)
                .query((row, n) -> order(row, lines(row.getObject("id", UUID.class)))).optional();
    }

    private List<OrderLine> lines(UUID orderId) {
        return jdbc.sql("""
                select product_id, sku, name, quantity, unit_price_cents, weight_grams
                from order_line where order_id = ? order by line_no""")
                .param(orderId)
                .query((row, n) -> new OrderLine(row.getLong("product_id"), row.getString("sku"),
                        row.getString("name"), row.getInt("quantity"), row.getLong("unit_price_cents"),
                        row.getInt("weight_grams")))
                .list();
    }

    private static final String SAGA_COLUMNS = " id, user_id, idempotency_key, request_digest, status, step,"
            + " lease_until, lease_epoch, payment_id, problem_status, problem_detail, problem_field";
    private static final String SAGA = "select" + SAGA_COLUMNS + " from customer_order";
    private static final String ORDER = """
            select o.id, o.user_id, o.status, o.cancel_reason, o.created_at, o.shipping_address::text as address, o.items_cents,
                   o.shipping_cents, o.total_cents, o.currency, o.carrier, o.card_brand, o.card_last4,
                   i.id as invoice_id, i.number as invoice_number, i.issued_at
            from customer_order o left join invoice i on i.order_id = o.id""";

    private static SagaState sagaState(ResultSet row, int n) throws SQLException {
        return new SagaState(row.getObject("id", UUID.class), row.getObject("user_id", UUID.class),
                row.getString("idempotency_key"), row.getString("request_digest"), row.getString("status"),
                Step.valueOf(row.getString("step")), row.getTimestamp("lease_until").toInstant(),
                row.getInt("lease_epoch"), row.getObject("payment_id", UUID.class), (Integer) row.getObject("problem_status"),
                row.getString("problem_detail"), row.getString("problem_field"));
    }

    private Order order(ResultSet row, List<OrderLine> lines) throws SQLException {
        return new Order(row.getObject("id", UUID.class), row.getObject("user_id", UUID.class),
                row.getString("status"), row.getString("cancel_reason"), row.getTimestamp("created_at").toInstant(),
                json.readValue(row.getString("address"), Address.class), lines,
                (Long) row.getObject("items_cents"), (Long) row.getObject("shipping_cents"),
                (Long) row.getObject("total_cents"), row.getString("currency"), row.getString("carrier"),
                row.getString("card_brand"), row.getString("card_last4"), row.getObject("invoice_id", UUID.class),
                row.getString("invoice_number"),
                row.getTimestamp("issued_at") == null ? null : row.getTimestamp("issued_at").toInstant());
    }
}
