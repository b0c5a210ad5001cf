package shop.payment.charge.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import shop.payment.v1.AuthorizeRequest;
import shop.payment.v1.CaptureRequest;
import shop.payment.v1.Card;
import shop.payment.v1.LookupRequest;
import shop.payment.v1.Payment;
import shop.payment.v1.PaymentServiceGrpc;
import shop.payment.v1.PaymentStatus;
import shop.payment.v1.RefundRequest;
import shop.payment.v1.VoidRequest;
import shop.testing.FreshDatabase;
import shop.testing.TestIdentities;

/** Authorise, capture, void and refund over real gRPC, against a real PostgreSQL. */
@FreshDatabase
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest
class PaymentsTest {

    static final String APPROVED = "4242424242424242";
    static final String DECLINED = "4000000000000002";
    static final String INSUFFICIENT_FUNDS = "4000000000009995";

    @Autowired
    GrpcServerLifecycle grpcServer;

    @Autowired
    JdbcClient jdbc;

    ManagedChannel channel;
    PaymentServiceGrpc.PaymentServiceBlockingStub payment;

    @BeforeEach
    void connect() {
        channel = TestIdentities.channel(TestIdentities.client("billing"), "payment", grpcServer.getPort());
        payment = PaymentServiceGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void approvedCardIsAuthorisedThenCapturedThenRefunded() {
        Payment authorised = authorize(key(), "order-1", 5000, APPROVED);
        assertThat(authorised.getStatus()).isEqualTo(PaymentStatus.AUTHORIZED);
        assertThat(authorised.getCardBrand()).isEqualTo("visa");
        assertThat(authorised.getCardLast4()).isEqualTo("4242");

        Payment captured = call().capture(CaptureRequest.newBuilder().setIdempotencyKey(key())
                .setPaymentId(authorised.getPaymentId()).build());
        assertThat(captured.getStatus()).isEqualTo(PaymentStatus.CAPTURED);
        assertThatThrownBy(() -> call().void_(VoidRequest.newBuilder().setIdempotencyKey(key())
                .setPaymentId(authorised.getPaymentId()).build()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.FAILED_PRECONDITION));
        Payment refunded = call().refund(RefundRequest.newBuilder().setIdempotencyKey(key())
                .setPaymentId(authorised.getPaymentId()).build());
        assertThat(refunded.getStatus()).isEqualTo(PaymentStatus.REFUNDED);
    }

    @Test
    void testCardsAreDeclinedWithTheirReasons() {
        Payment declined = authorize(key(), "order-2", 5000, DECLINED);
        assertThat(declined.getStatus()).isEqualTo(PaymentStatus.DECLINED);
        assertThat(declined.getDeclineReason()).isEqualTo("card_declined");
        assertThat(authorize(key(), "order-3", 5000, INSUFFICIENT_FUNDS).getDeclineReason())
                .isEqualTo("insufficient_funds");
        assertThatThrownBy(() -> call().capture(CaptureRequest.newBuilder().setIdempotencyKey(key())
                .setPaymentId(declined.getPaymentId()).build()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.FAILED_PRECONDITION));
    }

    @Test
    void malformedCardsNameTheFieldAndStoreNothing() {
        assertInvalid(card("4242424242424241", 12, 2099, "123"), "card.number");
        assertInvalid(card("42424242", 12, 2099, "123"), "card.number");
        YearMonth lastMonth = YearMonth.now().minusMonths(1);
        assertInvalid(card(APPROVED, lastMonth.getMonthValue(), lastMonth.getYear(), "123"), "card.exp");
        assertInvalid(card(APPROVED, 13, 2099, "123"), "card.exp");
        assertInvalid(card(APPROVED, 12, 2099, "12"), "card.cvc");
        assertInvalid(card("378282246310005", 12, 2099, "123"), "card.cvc");
        assertThat(jdbc.sql("select count(*) from payment where order_id = 'bad-card'").query(Long.class).single()).isZero();
    }

    @Test
    void theSameKeyNeverChargesTwiceEvenConcurrently() throws Exception {
        String authorizeKey = key();
        List<Callable<String>> retries = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            retries.add(() -> authorize(authorizeKey, "order-4", 7000, APPROVED).getPaymentId());
        }
        ExecutorService pool = Executors.newFixedThreadPool(10);
        String paymentId;
        try {
            List<Future<String>> ids = pool.invokeAll(retries);
            paymentId = ids.get(0).get();
            for (Future<String> id : ids) {
                assertThat(id.get()).isEqualTo(paymentId);
            }
            String captureKey = key();
            List<Callable<Payment>> captures = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String keyOfThisTry = i % 2 == 0 ? captureKey : key();
                captures.add(() -> call().capture(CaptureRequest.newBuilder().setIdempotencyKey(keyOfThisTry)
                        .setPaymentId(paymentId).build()));
            }
            for (Future<Payment> captured : pool.invokeAll(captures)) {
                assertThat(captured.get().getStatus()).isEqualTo(PaymentStatus.CAPTURED);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(jdbc.sql("select count(*) from payment where order_id = 'order-4'").query(Long.class).single()).isOne();
        assertThat(jdbc.sql("select count(*) from payment_event where kind = 'CAPTURE' and payment_id = ?::uuid")
                .param(paymentId).query(Long.class).single()).isOne();
    }

    @Test
    void aKeyReusedForAnotherAmountIsRefused() {
        String reused = key();
        authorize(reused, "order-5", 1000, APPROVED);
        assertThatThrownBy(() -> authorize(reused, "order-5", 99999, APPROVED))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.FAILED_PRECONDITION));
    }

    @Test
    void lookupFindsWhatAnAuthoriseWithTheKeyDidAndNothingElse() {
        String key = key();
        assertThatThrownBy(() -> call().lookup(LookupRequest.newBuilder().setIdempotencyKey(key).build()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.NOT_FOUND));
        Payment authorised = authorize(key, "order-9", 1200, APPROVED);
        Payment found = call().lookup(LookupRequest.newBuilder().setIdempotencyKey(key).build());
        assertThat(found.getPaymentId()).isEqualTo(authorised.getPaymentId());
        assertThat(found.getStatus()).isEqualTo(PaymentStatus.AUTHORIZED);
    }

    @Test
    void voidCancelsAnAuthorisation() {
        Payment authorised = authorize(key(), "order-6", 1000, "5555555555554444");
        assertThat(authorised.getCardBrand()).isEqualTo("mastercard");
        Payment voided = call().void_(VoidRequest.newBuilder().setIdempotencyKey(key())
                .setPaymentId(authorised.getPaymentId()).build());
        assertThat(voided.getStatus()).isEqualTo(PaymentStatus.VOIDED);
        assertThatThrownBy(() -> call().capture(CaptureRequest.newBuilder().setIdempotencyKey(key())
                .setPaymentId(authorised.getPaymentId()).build()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.FAILED_PRECONDITION));
    }

    @Test
    void noFullCardNumberOrCvcReachesTheDatabaseOrTheLogs(CapturedOutput logs) {
        authorize(key(), "order-7", 1000, APPROVED, "987");
        authorize(key(), "order-8", 1000, DECLINED, "654");
        assertInvalid(card("4242424242424241", 12, 2099, "321"), "card.number");
        String everything = String.join("\n", jdbc.sql("select p::text from payment p").query(String.class).list())
                + String.join("\n", jdbc.sql("select e::text from payment_event e").query(String.class).list());
        for (String number : List.of(APPROVED, DECLINED, "4242424242424241")) {
            assertThat(everything).doesNotContain(number);
            assertThat(logs.getAll()).doesNotContain(number);
        }
        // Ids and timestamps are random digits that may contain any three: the CVC would sit elsewhere.
        String stored = everything.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>")
                .replaceAll("\\d{4}-\\d{2}-\\d{2}[ T][0-9:.+]+", "<time>");
        for (String cvc : List.of("987", "654", "321")) {
            assertThat(stored).doesNotContain(cvc);
            // Three digits turn up in any log (ports, times), so look for them the way a logged
            // request would show them: protobuf text, JSON, or a record's toString.
            assertThat(logs.getAll()).doesNotContain("cvc: \"" + cvc, "\"cvc\":\"" + cvc, "cvc=" + cvc);
        }
        assertThat(everything).contains("4242");
    }

    private Payment authorize(String key, String orderId, long cents, String number) {
        return authorize(key, orderId, cents, number, "123");
    }

    private Payment authorize(String key, String orderId, long cents, String number, String cvc) {
        return call().authorize(AuthorizeRequest.newBuilder().setIdempotencyKey(key).setOrderId(orderId)
                .setUserId(UUID.randomUUID().toString()).setAmountCents(cents).setCurrency("USD")
                .setCard(card(number, 12, 2099, cvc)).build());
    }

    private void assertInvalid(Card card, String field) {
        assertThatThrownBy(() -> call().authorize(AuthorizeRequest.newBuilder().setIdempotencyKey(key())
                .setOrderId("bad-card").setUserId("u").setAmountCents(100).setCurrency("USD").setCard(card).build()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining(field);
    }

    private static Card card(String number, int month, int year, String cvc) {
        return Card.newBuilder().setNumber(number).setExpMonth(month).setExpYear(year).setCvc(cvc).build();
    }

    private PaymentServiceGrpc.PaymentServiceBlockingStub call() {
        return payment.withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static String key() {
        return UUID.randomUUID().toString();
    }

    private static Status.Code code(Throwable e) {
        return ((StatusRuntimeException) e).getStatus().getCode();
    }
}
