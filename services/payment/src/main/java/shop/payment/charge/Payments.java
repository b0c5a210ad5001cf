package shop.payment.charge;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import shop.payment.card.CardCheck;
import shop.payment.card.CardDetails;
import shop.payment.card.Issuer;

/**
 * Card payments. Lifecycle: Authorize (AUTHORIZED or DECLINED), then Capture (CAPTURED) or
 * Void (VOIDED); a captured payment may be Refunded (REFUNDED). Every step carries an
 * idempotency key: the same key returns the first result, so a retried or repeated step never
 * charges twice, and a step already done (capturing a captured payment) changes nothing.
 */
@Service
@Transactional
public class Payments {

    private static final Logger log = LoggerFactory.getLogger(Payments.class);

    /** Which state each step needs, and which it leads to. */
    public enum Step {
        CAPTURE("AUTHORIZED", "CAPTURED"), VOID("AUTHORIZED", "VOIDED"), REFUND("CAPTURED", "REFUNDED");

        final String from;
        final String to;

        Step(String from, String to) {
            this.from = from;
            this.to = to;
        }
    }

    private final JdbcClient jdbc;

    Payments(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * @throws shop.payment.card.InvalidCardException when the card fails its checks; nothing is stored
     * @throws PaymentRefused when the key was already used for a different order or amount
     */
    public PaymentRecord authorize(String idempotencyKey, String orderId, String userId, long amountCents,
            String currency, CardDetails card) {
        Optional<PaymentRecord> earlier = byKey(idempotencyKey);
        if (earlier.isPresent()) {
            return sameRequest(earlier.get(), orderId, amountCents, currency);
        }
        CardCheck.CheckedCard checked = CardCheck.check(card, CardCheck.thisMonth());
        String declineReason = Issuer.declineReason(card).orElse(null);
        int inserted = jdbc.sql("""
                insert into payment (id, idempotency_key, order_id, user_id, amount_cents, currency, card_brand,
                                     card_last4, status, decline_reason)
                values (:id, :key, :order, :user, :amount, :currency, :brand, :last4, :status, :reason)
                on conflict (idempotency_key) do nothing""")
                .param("id", UUID.randomUUID())
                .param("key", idempotencyKey)
                .param("order", orderId)
                .param("user", userId)
                .param("amount", amountCents)
                .param("currency", currency)
                .param("brand", checked.brand())
                .param("last4", checked.last4())
                .param("status", declineReason == null ? "AUTHORIZED" : "DECLINED")
                .param("reason", declineReason)
                .update();
        PaymentRecord stored = byKey(idempotencyKey).orElseThrow();
        if (inserted == 1) {
            log.info("payment {} for order {}: {} ({} {} cents)", stored.id(), orderId, stored.status().toLowerCase(),
                    currency, amountCents);
            return stored;
        }
        // Lost a race with the same key: the first request's result stands.
        return sameRequest(stored, orderId, amountCents, currency);
    }

    /** @throws PaymentRefused when the payment is in no state to take this step */
    public PaymentRecord step(Step step, String idempotencyKey, UUID paymentId) {
        PaymentRecord payment = jdbc.sql(SELECT + " where id = ? for update").param(paymentId).query(Payments::record)
                .optional()
                .orElseThrow(() -> new PaymentRefused("no payment " + paymentId));
        boolean keySeen = jdbc.sql("select count(*) from payment_event where idempotency_key = ?")
                .param(idempotencyKey).query(Long.class).single() > 0;
        if (keySeen || payment.status().equals(step.to)) {
            return payment;
        }
        if (!payment.status().equals(step.from)) {
            throw new PaymentRefused("cannot " + step.name().toLowerCase() + " a payment that is "
                    + payment.status().toLowerCase());
        }
        jdbc.sql("insert into payment_event (idempotency_key, payment_id, kind) values (?, ?, ?)")
                .params(idempotencyKey, paymentId, step.name())
                .update();
        jdbc.sql("update payment set status = ?, updated_at = now() where id = ?").params(step.to, paymentId).update();
        log.info("payment {} for order {}: {}", paymentId, payment.orderId(), step.to.toLowerCase());
        return byId(paymentId);
    }

    private static PaymentRecord sameRequest(PaymentRecord earlier, String orderId, long amountCents, String currency) {
        if (!earlier.orderId().equals(orderId) || earlier.amountCents() != amountCents
                || !earlier.currency().equals(currency)) {
            throw new PaymentRefused("idempotency key already used for another order or amount");
        }
        return earlier;
    }

    private static final String SELECT = """
            select id, order_id, user_id, amount_cents, currency, card_brand, card_last4, status, decline_reason
            from payment""";

    /** The payment an authorisation with this key made, if one was made. */
    @Transactional(readOnly = true)
    public Optional<PaymentRecord> byKey(String idempotencyKey) {
        return jdbc.sql(SELECT + " where idempotency_key = ?").param(idempotencyKey).query(Payments::record).optional();
    }

    private PaymentRecord byId(UUID id) {
        return jdbc.sql(SELECT + " where id = ?").param(id).query(Payments::record).single();
    }

    private static PaymentRecord record(ResultSet row, int n) throws SQLException {
        return new PaymentRecord(row.getObject("id", UUID.class), row.getString("order_id"), row.getString("user_id"),
                row.getLong("amount_cents"), row.getString("currency"), row.getString("card_brand"),
                row.getString("card_last4"), row.getString("status"), row.getString("decline_reason"));
    }
}
