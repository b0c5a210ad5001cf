package shop.shipping.shipment;

import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import shop.events.v1.OrderCancelled;
import shop.events.v1.OrderPlaced;
import shop.events.v1.ShipmentDelivered;
import shop.events.v1.ShipmentDispatched;
import shop.platform.events.Outbox;
import tools.jackson.databind.json.JsonMapper;

/**
 * Shipments and their lifecycle: made with a tracking number when an order is placed, moved along
 * {@link ShipmentSchedule} by {@link #advanceDue}, cancelled while still LABEL_CREATED. Every move
 * is a conditional UPDATE on the status it leaves, and dispatch and delivery write their event to
 * the outbox in the same transaction, so neither a redelivered event nor two replicas moving due
 * shipments can move one twice or announce it twice.
 */
@Service
@Transactional
public class Shipments {

    private static final Logger log = LoggerFactory.getLogger(Shipments.class);
    private static final SecureRandom random = new SecureRandom();

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Outbox outbox;
    private final ShipmentSchedule schedule;

    Shipments(JdbcClient jdbc, JsonMapper json, Outbox outbox, ShipmentSchedule schedule) {
        this.jdbc = jdbc;
        this.json = json;
        this.outbox = outbox;
        this.schedule = schedule;
    }

    /** A label for a placed order; born CANCELLED if the order's cancellation came first. */
    public void create(OrderPlaced order) {
        lockOrder(order.orderId());
        boolean cancelled = jdbc.sql("select count(*) from cancelled_order where order_id = ?").param(order.orderId())
                .query(Integer.class).single() > 0;
        UUID id = UUID.randomUUID();
        Shipment.Status status = cancelled ? Shipment.Status.CANCELLED : Shipment.Status.LABEL_CREATED;
        int created = jdbc.sql("""
                insert into shipment (id, order_id, user_id, tracking_number, carrier, address, status, next_step_at)
                values (:id, :order, :user, :tracking, :carrier, :address::jsonb, :status,
                        case when :cancelled then null else now() + :stay * interval '1 millisecond' end)
                on conflict (order_id) do nothing""")
                .param("id", id)
                .param("order", order.orderId())
                .param("user", order.userId())
                .param("tracking", trackingNumber())
                .param("carrier", order.carrier() == null ? "Fig Post" : order.carrier())
                .param("address", json.writeValueAsString(order.shippingAddress()))
                .param("status", status.name())
                .param("cancelled", cancelled)
                .param("stay", schedule.labelCreatedFor().toMillis())
                .update();
        if (created == 1) {
            tracked(id, Shipment.Status.LABEL_CREATED);
            if (cancelled) {
                tracked(id, Shipment.Status.CANCELLED);
            }
            log.info("shipment {} for order {}: {}", id, order.orderId(), status.name().toLowerCase());
        }
    }

    /** order.cancelled: billing stopped the shipment first ({@link #cancelBeforeDispatch}), so this is a repeat. */
    public void cancel(OrderCancelled order) {
        if (!cancelBeforeDispatch(order.orderId())) {
            log.warn("order {} was cancelled after its shipment left; it is not stopped", order.orderId());
        }
    }

    /**
     * Stops the order's shipment if it has not left: a LABEL_CREATED one is cancelled, one not
     * made yet will be born cancelled. Locked per order against the scheduler's dispatch and
     * order.placed's creation, so exactly one of "cancelled" and "dispatched" wins.
     *
     * @return false when the parcel was already dispatched
     */
    public boolean cancelBeforeDispatch(UUID orderId) {
        lockOrder(orderId);
        Optional<Shipment> shipment = jdbc.sql(SHIPMENT + " where order_id = ? for update").param(orderId)
                .query((row, n) -> shipment(row, List.of())).optional();
        if (shipment.isEmpty()) {
            jdbc.sql("insert into cancelled_order (order_id) values (?) on conflict do nothing").param(orderId)
                    .update();
            return true;
        }
        switch (shipment.get().status()) {
            case LABEL_CREATED -> {
                jdbc.sql("update shipment set status = 'CANCELLED', next_step_at = null where id = ?")
                        .param(shipment.get().id()).update();
                tracked(shipment.get().id(), Shipment.Status.CANCELLED);
                return true;
            }
            case CANCELLED -> {
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /** Serialises creation and cancellation of one order's shipment, which may not exist yet. */
    private void lockOrder(UUID orderId) {
        jdbc.sql("select 1 from (select pg_advisory_xact_lock(hashtext(?))) locked").param(orderId.toString())
                .query(Integer.class).single();
    }

    /**
     * Moves on a batch of shipments whose time in their status is up. SKIP LOCKED lets replicas
     * share the work without waiting for, or moving twice, the same shipment.
     *
     * @return how many moved
     */
    public int advanceDue(int batch) {
        List<Shipment> due = jdbc.sql(SHIPMENT
                + " where next_step_at <= now() order by next_step_at limit ? for update skip locked")
                .param(batch)
                .query((row, n) -> shipment(row, List.of()))
                .list();
        due.forEach(this::advance);
        return due.size();
    }

    private void advance(Shipment shipment) {
        Shipment.Status next = shipment.status().next();
        Duration stay = schedule.stayIn(next);
        jdbc.sql("""
                update shipment set status = :next,
                    next_step_at = case when :final then null else now() + :stay * interval '1 millisecond' end
                where id = :id""")
                .param("next", next.name())
                .param("final", stay == null)
                .param("stay", stay == null ? 0 : stay.toMillis())
                .param("id", shipment.id())
                .update();
        tracked(shipment.id(), next);
        if (next == Shipment.Status.DISPATCHED) {
            outbox.add(ShipmentDispatched.TYPE, ShipmentDispatched.SCHEMA_VERSION, shipment.id().toString(),
                    new ShipmentDispatched(shipment.id(), shipment.orderId(), shipment.userId(), shipment.carrier(),
                            shipment.trackingNumber()));
        } else if (next == Shipment.Status.DELIVERED) {
            outbox.add(ShipmentDelivered.TYPE, ShipmentDelivered.SCHEMA_VERSION, shipment.id().toString(),
                    new ShipmentDelivered(shipment.id(), shipment.orderId(), shipment.userId(),
                            shipment.trackingNumber()));
        }
    }

    /** The shipment of an order, if it is this shopper's. */
    @Transactional(readOnly = true)
    public Optional<Shipment> forOrder(UUID userId, UUID orderId) {
        return forOrder(orderId).filter(shipment -> shipment.userId().equals(userId));
    }

    private Optional<Shipment> forOrder(UUID orderId) {
        return jdbc.sql(SHIPMENT + " where order_id = ?").param(orderId)
                .query((row, n) -> shipment(row, events(row.getObject("id", UUID.class))))
                .optional();
    }

    private List<Shipment.Tracked> events(UUID shipmentId) {
        return jdbc.sql("select status, at from shipment_event where shipment_id = ? order by at, status")
                .param(shipmentId)
                .query((row, n) -> new Shipment.Tracked(Shipment.Status.valueOf(row.getString("status")),
                        row.getTimestamp("at").toInstant()))
                .list();
    }

    private void tracked(UUID shipmentId, Shipment.Status status) {
        jdbc.sql("insert into shipment_event (shipment_id, status) values (?, ?) on conflict do nothing")
                .params(shipmentId, status.name()).update();
    }

    /** FIG and twelve digits: unique by the table's constraint, unguessable enough to hand to a shopper. */
    private static String trackingNumber() {
        StringBuilder number = new StringBuilder("FIG");
        for (int i = 0; i < 12; i++) {
            number.append(random.nextInt(10));
        }
        return number.toString();
    }

    private static final String SHIPMENT =
            "select id, order_id, user_id, tracking_number, carrier, status from shipment";

    private static Shipment shipment(ResultSet row, List<Shipment.Tracked> events) throws SQLException {
        return new Shipment(row.getObject("id", UUID.class), row.getObject("order_id", UUID.class),
                row.getObject("user_id", UUID.class), row.getString("tracking_number"), row.getString("carrier"),
                Shipment.Status.valueOf(row.getString("status")), events);
    }
}
