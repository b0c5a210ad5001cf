package shop.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import org.junit.jupiter.api.Test;
import shop.testing.ApiClient;
import shop.testing.Eventually;
import shop.testing.TestDatabases.TestDatabase;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The checkout saga with every service running as a real process, through the gateway:
 * the happy path, each failure and what it gives back, idempotency, concurrency, ownership,
 * a payment service that is down, a billing that crashes mid-checkout; the shipment that
 * order.placed brings, also for orders placed while RabbitMQ was cut away; two billing replicas
 * relaying one outbox; cancellation; and the recommendations that orders teach.
 */
class CheckoutTest {

    static final String APPROVED = "4242424242424242";
    static final String DECLINED = "4000000000000002";
    static final Map<String, Object> ADDRESS = Map.of("line1", "1 Main St", "city", "Springfield",
            "postalCode", "12345", "country", "US");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final LocalStack stack = LocalStack.shared();
    private final ApiClient gateway = new ApiClient(stack.gatewayUrl());

    /** A signed-in shopper through the gateway, and their account id. */
    record Shopper(ApiClient api, String id) {
    }

    @Test
    void aShopperBuysAndReadsTheInvoice() {
        Shopper ann = signUp();
        Product kettle = product("KIT-008");
        Product mug = product("OUT-009");
        int kettlesBefore = stock(kettle.sku());
        fill(ann, kettle, 2);
        fill(ann, mug, 1);

        ApiClient.Response placed = checkout(ann, key(), APPROVED);
        assertThat(placed.status()).as(placed.body()).isEqualTo(201);
        JsonNode order = placed.json();
        assertThat(order.get("status").asString()).isEqualTo("CONFIRMED");
        assertThat(order.get("itemsCents").asLong()).isEqualTo(2 * kettle.priceCents() + mug.priceCents());
        assertThat(order.get("totalCents").asLong())
                .isEqualTo(order.get("itemsCents").asLong() + order.get("shippingCents").asLong());

        String orderId = order.get("orderId").asString();
        JsonNode stored = ann.api().get("/api/billing/orders/" + orderId).json();
        assertThat(stored.get("lines")).hasSize(2);
        assertThat(stored.get("card").get("last4").asString()).isEqualTo("4242");
        JsonNode invoice = ann.api().get("/api/billing/invoices/" + order.get("invoiceId").asString()).json();
        assertThat(invoice.get("totalCents").asLong()).isEqualTo(order.get("totalCents").asLong());
        assertThat(invoice.get("invoiceNumber").asString()).startsWith("INV-");
        assertThat(ann.api().withHeader("Accept", "text/html").get("/api/billing/invoices/"
                + order.get("invoiceId").asString()).body()).contains(invoice.get("invoiceNumber").asString());

        assertThat(stock(kettle.sku())).isEqualTo(kettlesBefore - 2);
        assertThat(ann.api().get("/api/profiles/me/cart").json().get("items")).isEmpty();
        assertThat(payments(ann, "CAPTURED")).isOne();
        assertThat(ann.api().get("/api/billing/orders").json().get(0).get("orderId").asString()).isEqualTo(orderId);
    }

    /**
     * A checkout that comes with a W3C traceparent is logged under that trace by billing, by
     * payment, which billing calls over gRPC, and by shipping, which learns of the order from
     * order.placed: the gateway passed it on, and each hop, the event too, carried it.
     */
    @Test
    void oneCheckoutIsFollowedByTheTraceItCameWithFromBillingToItsShipment() {
        Shopper bo = signUp();
        fill(bo, product("KIT-008"), 1);
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String traceId = HexFormat.of().formatHex(random);
        ApiClient.Response placed = bo.api().withHeader("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .withHeader("Idempotency-Key", key()).post("/api/billing/orders", body(APPROVED));
        assertThat(placed.status()).as(placed.body()).isEqualTo(201);
        String orderId = placed.json().get("orderId").asString();

        assertThat(Sql.column(stack.service("billing").database(), "select traceparent from outbox where aggregate_id = ?",
                orderId)).as("the order's events keep its trace").isNotEmpty().allMatch(kept -> kept != null && kept.contains(traceId));
        Map<String, List<String>> expected = Map.of(
                "billing", List.of("order " + orderId + " confirmed"),
                "payment", List.of("for order " + orderId + ": authorized", "for order " + orderId + ": captured"),
                "shipping", List.of("for order " + orderId + ": label_created"));
        expected.forEach((service, lines) -> {
            Eventually.await(() -> lines.stream().allMatch(line -> loggedUnder(service, traceId, line)));
            assertThat(stack.service(service).process().log().lines().filter(line -> line.contains(orderId)))
                    .as("%s's lines of the order", service).allMatch(line -> line.contains(traceId));
        });
    }

    private boolean loggedUnder(String service, String traceId, String text) {
        return stack.service(service).process().log().lines().anyMatch(line -> line.contains(text) && line.contains(traceId));
    }

    @Test
    void aDeclinedCardReleasesTheStockAndLeavesNoOrder() {
        Shopper bob = signUp();
        Product board = product("KIT-004");
        int before = stock(board.sku());
        fill(bob, board, 3);

        ApiClient.Response declined = checkout(bob, key(), DECLINED);
        declined.assertProblem(402);
        assertThat(declined.json().get("detail").asString()).contains("declined");
        assertThat(stock(board.sku())).isEqualTo(before);
        assertThat(bob.api().get("/api/billing/orders").json()).isEmpty();
        assertThat(bob.api().get("/api/profiles/me/cart").json().get("items")).hasSize(1);
        assertThat(payments(bob, "AUTHORIZED")).isZero();
    }

    @Test
    void outOfStockIs409AndNoPaymentIsAuthorised() {
        Shopper cy = signUp();
        Product lamp = product("HOM-003");
        setStock(lamp.sku(), 1);
        fill(cy, lamp, 2);

        ApiClient.Response refused = checkout(cy, key(), APPROVED);
        refused.assertProblem(409);
        assertThat(refused.json().get("detail").asString()).contains(lamp.name());
        assertThat(stock(lamp.sku())).isEqualTo(1);
        assertThat(payments(cy, null)).isZero();
    }

    @Test
    void theSameKeyPlacesOneOrderAndChargesOnceEvenWhenSentConcurrently() {
        Shopper dee = signUp();
        fill(dee, product("HOM-006"), 1);
        String key = key();
        List<ApiClient.Response> attempts = concurrently(List.of(dee, dee, dee, dee), shopper -> checkout(shopper, key,
                APPROVED));
        List<String> orderIds = new ArrayList<>();
        for (ApiClient.Response response : attempts) {
            assertThat(response.status()).as(response.body()).isEqualTo(201);
            orderIds.add(response.json().get("orderId").asString());
        }
        ApiClient.Response again = checkout(dee, key, APPROVED);
        orderIds.add(again.json().get("orderId").asString());
        assertThat(orderIds).hasSize(5).containsOnly(orderIds.get(0));
        assertThat(dee.api().get("/api/billing/orders").json()).hasSize(1);
        assertThat(payments(dee, "CAPTURED")).isOne();
        assertThat(captures(dee)).isOne();
    }

    @Test
    void twoTabsCheckingOutOneCartWithTheirOwnKeysPlaceOneOrderAndChargeOnce() {
        Shopper gus = signUp();
        fill(gus, product("HOM-007"), 1);
        List<ApiClient.Response> tabs = concurrently(List.of(gus, gus, gus, gus), shopper -> checkout(shopper, key(),
                APPROVED));
        for (ApiClient.Response tab : tabs) {
            assertThat(tab.status()).as(tab.body()).isEqualTo(201);
        }
        assertThat(tabs).extracting(tab -> tab.json().get("orderId").asString()).containsOnly(
                tabs.get(0).json().get("orderId").asString());
        assertThat(gus.api().get("/api/billing/orders").json()).hasSize(1);
        assertThat(payments(gus, null)).isOne();
        assertThat(captures(gus)).isOne();
    }

    @Test
    void aCheckoutOfACartThatChangedSinceIs409AndAKeyReusedForAnotherCartIs422() {
        Shopper hal = signUp();
        Product vase = product("HOM-008");
        long seen = cartVersion(hal);
        fill(hal, vase, 1);
        checkout(hal, key(), APPROVED, seen).assertProblem(409, "cartVersion");
        assertThat(payments(hal, null)).isZero();

        String key = key();
        long bought = cartVersion(hal);
        String orderId = checkout(hal, key, APPROVED, bought).json().get("orderId").asString();
        assertThat(checkout(hal, key, APPROVED, bought).json().get("orderId").asString()).as("a retry")
                .isEqualTo(orderId);
        assertThat(checkout(hal, key(), APPROVED, bought).json().get("orderId").asString())
                .as("another tab that showed the cart just bought").isEqualTo(orderId);
        fill(hal, vase, 2);
        checkout(hal, key, APPROVED, cartVersion(hal)).assertProblem(422, "Idempotency-Key");
        assertThat(hal.api().get("/api/billing/orders").json()).hasSize(1);
        assertThat(hal.api().get("/api/profiles/me/cart").json().get("items")).hasSize(1);
        assertThat(payments(hal, null)).isOne();
    }

    @Test
    void twentyShoppersRaceForTheLastFiveUnitsAndExactlyFiveWin() {
        Product last = product("HOM-002");
        List<Shopper> shoppers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Shopper shopper = signUp();
            fill(shopper, last, 1);
            shoppers.add(shopper);
        }
        setStock(last.sku(), 5);
        List<Integer> statuses = concurrently(shoppers, shopper -> checkout(shopper, key(), APPROVED)).stream()
                .map(ApiClient.Response::status).toList();
        assertThat(statuses).filteredOn(status -> status == 201).hasSize(5);
        assertThat(statuses).filteredOn(status -> status == 409).hasSize(15);
        assertThat(stock(last.sku())).isZero();
    }

    @Test
    void shoppersSeeOnlyTheirOwnOrdersAndAnonymousCannotCheckOut() {
        Shopper eve = signUp();
        Shopper fay = signUp();
        fill(eve, product("HOM-004"), 1);
        // A cart is only ever "mine": there is no address for another shopper's cart to try.
        assertThat(fay.api().get("/api/profiles/me/cart").json().get("items")).isEmpty();
        JsonNode order = checkout(eve, key(), APPROVED).json();
        fay.api().get("/api/billing/orders/" + order.get("orderId").asString()).assertProblem(404);
        fay.api().get("/api/billing/invoices/" + order.get("invoiceId").asString()).assertProblem(404);
        assertThat(fay.api().get("/api/billing/orders").json()).isEmpty();
        gateway.withHeader("Idempotency-Key", key()).post("/api/billing/orders", body(APPROVED)).assertProblem(401);
    }

    @Test
    void whenPaymentIsDownCheckoutFailsWithin10SecondsAndReleasesTheStock() {
        Shopper gus = signUp();
        Product vase = product("HOM-011");
        int before = stock(vase.sku());
        fill(gus, vase, 1);
        stack.service("payment").process().stop();
        try {
            Instant started = Instant.now();
            ApiClient.Response failed = checkout(gus, key(), APPROVED);
            assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(10));
            failed.assertProblem(503);
            assertThat(failed.json().get("detail").asString()).contains("payment");
            assertThat(stock(vase.sku())).isEqualTo(before);
        } finally {
            stack.restart(stack.service("payment"));
        }
        // Once payment is back, checkouts are confirmed again: the restart's "not registered"
        // failures did not leave payment's breaker open behind it. An order placed while the
        // breaker was still probing is PENDING and confirmed by recovery; the cart it took is gone,
        // so the loop stops at the first order placed and then follows that order.
        AtomicReference<String> order = new AtomicReference<>();
        assertThat(eventually(() -> {
            ApiClient.Response placed = checkout(gus, key(), APPROVED);
            if (placed.status() == 201) {
                order.set(placed.json().get("orderId").asString());
            }
            return order.get() != null;
        })).as("an order placed once payment is back").isTrue();
        // A PENDING order is finished once its checkout's lease (60 s) has run out.
        assertThat(eventually(() -> gus.api().get("/api/billing/orders/" + order.get()).json().get("status").asString()
                .equals("CONFIRMED"), Duration.ofSeconds(120))).as("and confirmed").isTrue();
    }

    @Test
    void aCheckoutInterruptedByABillingCrashIsUndoneWhenBillingComesBack() throws Exception {
        Shopper ivy = signUp();
        fill(ivy, product("HOM-012"), 1);
        assertThat(eventually(() -> checkout(ivy, key(), APPROVED).status() == 201)).as("payment answers").isTrue();
        Shopper hal = signUp();
        Product clock = product("HOM-010");
        int before = stock(clock.sku());
        fill(hal, clock, 1);
        // Payment hangs, so the saga is caught between holding stock and hearing about the payment.
        stack.service("payment").process().freeze();
        CompletableFuture<ApiClient.Response> interrupted;
        try {
            interrupted = CompletableFuture.supplyAsync(() -> checkout(hal, key(), APPROVED));
            assertThat(eventually(() -> stock(clock.sku()) == before - 1)).as("stock held").isTrue();
            stack.service("billing").process().kill();
        } finally {
            stack.service("payment").process().thaw();
        }
        assertThat(sagaSteps(hal)).as("killed mid-saga, before it failed or finished").containsExactly("NEW");
        assertThat(interrupted.handle((response, error) -> response == null || response.status() >= 500).get())
                .isTrue();
        stack.service("billing").process().start();
        stack.service("billing").awaitHealthy();

        assertThat(eventually(() -> stock(clock.sku()) == before)).as("stock given back").isTrue();
        assertThat(eventually(() -> payments(hal, "AUTHORIZED") == 0)).as("no authorisation left").isTrue();
        assertThat(payments(hal, "CAPTURED")).isZero();
        // Recovery records the saga done only after both give-backs have been answered.
        assertThat(eventually(() -> sagaSteps(hal).equals(List.of("DONE")))).as("saga done").isTrue();
        assertThat(hal.api().get("/api/profiles/me/cart").json().get("items")).hasSize(1);
        assertThat(eventually(() -> checkout(hal, key(), APPROVED).status() == 201)).isTrue();
    }

    /**
     * The paid order waits for inventory, and meanwhile its hold lapses and the stock goes to
     * others: the order is cancelled with a reason and the card is not charged, never confirmed.
     */
    @Test
    void aPaidOrderWhoseStockWentMeanwhileIsCancelledAndNotChargedNeverConfirmed() {
        Shopper jo = signUp();
        Product frame = product("HOM-009");
        fill(jo, frame, 1);
        ServiceProcess payment = stack.service("payment").process();
        ServiceProcess inventory = stack.service("inventory").process();
        CompletableFuture<ApiClient.Response> checkout;
        int held;
        payment.freeze();
        try {
            int before = stock(frame.sku());
            checkout = CompletableFuture.supplyAsync(() -> checkout(jo, key(), APPROVED));
            assertThat(eventually(() -> stock(frame.sku()) == before - 1)).as("stock held").isTrue();
            held = before - 1;
            inventory.freeze();
        } finally {
            payment.thaw();
        }
        try {
            assertThat(eventually(() -> sagaSteps(jo).equals(List.of("PLACED")))).as("paid, waiting for inventory")
                    .isTrue();
            // What inventory's expiry sweep and other shoppers would do while the order waits.
            String orderId = Sql.column(stack.service("billing").database(),
                    "select id from customer_order where user_id = ?::uuid", jo.id()).get(0);
            update(stack.service("inventory").database(), "update reservation set status = 'RELEASED' where order_id = ?",
                    orderId);
            update(stack.service("inventory").database(), "update stock set available = 0 where sku = ?", frame.sku());
        } finally {
            inventory.thaw();
        }
        checkout.join();
        assertThat(eventually(() -> sagaSteps(jo).equals(List.of("DONE")), Duration.ofSeconds(60))).isTrue();
        JsonNode order = jo.api().get("/api/billing/orders").json().get(0);
        assertThat(order.get("status").asString()).isEqualTo("CANCELLED");
        assertThat(order.get("cancelReason").asString()).contains("sold out", "not charged");
        assertThat(payments(jo, "CAPTURED")).isZero();
        assertThat(payments(jo, "AUTHORIZED")).isZero();
        assertThat(stock(frame.sku())).isZero();
        assertThat(jo.api().get("/api/profiles/me/cart").json().get("items")).hasSize(1);
        setStock(frame.sku(), held);
    }

    @Test
    void aCheckoutLeadsToAShipmentWithATrackingNumberThatIsDelivered() {
        Shopper ivy = signUp();
        fill(ivy, product("BOK-001"), 1);
        ApiClient.Response placed = checkout(ivy, key(), APPROVED);
        assertThat(placed.status()).as(placed.body()).isEqualTo(201);
        String orderId = placed.json().get("orderId").asString();

        String tracking = "/api/shipping/shipments?orderId=" + orderId;
        assertThat(eventually(() -> ivy.api().get(tracking).status() == 200)).as("a shipment for " + orderId).isTrue();
        JsonNode shipment = ivy.api().get(tracking).json();
        assertThat(shipment.get("trackingNumber").asString()).matches("FIG\\d{12}");
        assertThat(shipment.get("carrier").asString()).isEqualTo("Fig Post");
        assertThat(eventually(() -> "DELIVERED".equals(ivy.api().get(tracking).json().get("status").asString())))
                .isTrue();
        assertThat(ivy.api().get(tracking).json().get("events").findValuesAsString("status"))
                .containsExactly("LABEL_CREATED", "DISPATCHED", "IN_TRANSIT", "DELIVERED");
        signUp().api().get(tracking).assertProblem(404);
    }

    @Test
    void ordersPlacedWhileTheBrokerIsAwayAreShippedAndCountedOnceWhenItIsBack() {
        Shopper joe = signUp();
        Product book = product("BOK-002");
        List<String> orderIds = new ArrayList<>();
        stack.broker.cut();
        try {
            for (int i = 0; i < 3; i++) {
                fill(joe, book, 1);
                ApiClient.Response placed = checkout(joe, key(), APPROVED);
                assertThat(placed.status()).as(placed.body()).isEqualTo(201);
                orderIds.add(placed.json().get("orderId").asString());
            }
            sleep(Duration.ofSeconds(2));
            assertThat(joe.api().get("/api/shipping/shipments?orderId=" + orderIds.get(0)).status()).isEqualTo(404);
        } finally {
            stack.broker.restore();
        }
        for (String orderId : orderIds) {
            assertThat(eventually(() -> joe.api().get("/api/shipping/shipments?orderId=" + orderId).status() == 200))
                    .as("shipment of " + orderId + " after the broker came back").isTrue();
            assertThat(Sql.count(stack.service("shipping").database(),
                    "select count(*) from shipment where order_id = ?::uuid", orderId)).isOne();
        }
        assertThat(eventually(() -> joe.api().get("/api/profiles/me").json().get("orderCount").asInt() == 3))
                .as("the profile counts the three orders").isTrue();
        assertThat(joe.api().get("/api/profiles/me").json().get("lastOrderAt").asString()).isNotBlank();
    }

    /**
     * Two billing processes relay one outbox: each order.placed reaches the exchange exactly once,
     * whichever replica took the checkout's row. While the first replica's connection to the broker
     * is cut, the second relays alone.
     */
    @Test
    void twoBillingReplicasPublishEachOrderPlacedOnceAlsoWhileOneCannotReachTheBroker() throws Exception {
        Product pen = product("OFF-007");
        Map<String, List<String>> eventIdsByOrder = new ConcurrentHashMap<>();
        ConnectionFactory broker = new ConnectionFactory();
        broker.setHost(stack.rabbit.host());
        broker.setPort(stack.rabbit.port());
        broker.setUsername(stack.rabbit.username());
        broker.setPassword(stack.rabbit.password());
        broker.setVirtualHost(stack.rabbitVirtualHost);
        ServiceProcess replica = stack.startReplica(stack.service("billing"));
        try (com.rabbitmq.client.Connection connection = broker.newConnection()) {
            Channel channel = connection.createChannel();
            String queue = channel.queueDeclare().getQueue();
            channel.queueBind(queue, "shop.events", "order.placed");
            channel.basicConsume(queue, true, (tag, delivery) -> {
                JsonNode event = JSON.readTree(delivery.getBody());
                eventIdsByOrder.computeIfAbsent(event.get("aggregateId").asString(), order -> new CopyOnWriteArrayList<>())
                        .add(event.get("eventId").asString());
            }, tag -> { });

            List<String> orders = new CopyOnWriteArrayList<>();
            Shopper kim = signUp();
            stack.broker.cut();
            try {
                for (int i = 0; i < 3; i++) {
                    fill(kim, pen, 1);
                    orders.add(placed(kim));
                }
                assertThat(eventually(() -> eventIdsByOrder.keySet().containsAll(orders)))
                        .as("the replica that reaches the broker relays them").isTrue();
            } finally {
                stack.broker.restore();
            }

            ExecutorService shoppers = Executors.newFixedThreadPool(4);
            try {
                List<CompletableFuture<Void>> buying = new ArrayList<>();
                for (int s = 0; s < 4; s++) {
                    buying.add(CompletableFuture.runAsync(() -> {
                        Shopper shopper = signUp();
                        for (int i = 0; i < 3; i++) {
                            fill(shopper, pen, 1);
                            orders.add(placed(shopper));
                        }
                    }, shoppers));
                }
                buying.forEach(CompletableFuture::join);
            } finally {
                shoppers.shutdown();
            }
            assertThat(eventually(() -> eventIdsByOrder.keySet().containsAll(orders))).isTrue();
            // A second copy would come within the relays' next polls; give them a few.
            sleep(Duration.ofSeconds(3));
            for (String order : orders) {
                assertThat(eventIdsByOrder.get(order)).as("order.placed of " + order).hasSize(1);
            }
        } finally {
            replica.stop();
        }
    }

    private static String placed(Shopper shopper) {
        ApiClient.Response placed = checkout(shopper, key(), APPROVED);
        assertThat(placed.status()).as(placed.body()).isEqualTo(201);
        return placed.json().get("orderId").asString();
    }

    @Test
    void whatWasBoughtTogetherIsRecommendedTogether() {
        Product novel = product("BOK-004");
        Product sequel = product("BOK-007");
        Shopper lea = signUp();
        fill(lea, novel, 1);
        fill(lea, sequel, 1);
        assertThat(checkout(lea, key(), APPROVED).status()).isEqualTo(201);

        String recommended = "/api/recommendations?productId=" + novel.id();
        assertThat(eventually(() -> {
            ApiClient.Response answer = gateway.get(recommended);
            return answer.status() == 200 && answer.json().size() > 0
                    && answer.json().get(0).get("id").asLong() == sequel.id();
        })).as("the sequel recommended with the novel").isTrue();
        assertThat(gateway.get(recommended).json().get(0).get("name").asString()).isEqualTo(sequel.name());
    }

    @Test
    void cancellingBeforeDispatchRefundsReturnsTheStockAndStopsTheShipmentButAfterDispatchIs409() {
        Shopper kim = signUp();
        Product book = product("BOK-003");
        int before = stock(book.sku());
        fill(kim, book, 2);
        ApiClient.Response placed = checkout(kim, key(), APPROVED);
        assertThat(placed.status()).as(placed.body()).isEqualTo(201);
        String orderId = placed.json().get("orderId").asString();
        assertThat(stock(book.sku())).isEqualTo(before - 2);

        ApiClient.Response cancelled = kim.api().post("/api/billing/orders/" + orderId + "/cancel", Map.of());
        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
        assertThat(cancelled.json().get("status").asString()).isEqualTo("CANCELLED");
        assertThat(kim.api().post("/api/billing/orders/" + orderId + "/cancel", Map.of()).json().get("status")
                .asString()).isEqualTo("CANCELLED");
        assertThat(eventually(() -> payments(kim, "REFUNDED") == 1)).as("refunded").isTrue();
        assertThat(eventually(() -> stock(book.sku()) == before)).as("stock back").isTrue();
        String tracking = "/api/shipping/shipments?orderId=" + orderId;
        assertThat(eventually(() -> kim.api().get(tracking).status() == 200
                && "CANCELLED".equals(kim.api().get(tracking).json().get("status").asString()))).isTrue();
        sleep(Duration.ofSeconds(5));
        assertThat(kim.api().get(tracking).json().get("status").asString()).as("never dispatched").isEqualTo("CANCELLED");
        assertThat(stock(book.sku())).as("put back once").isEqualTo(before);

        fill(kim, book, 1);
        ApiClient.Response shipped = checkout(kim, key(), APPROVED);
        String shippedId = shipped.json().get("orderId").asString();
        String shippedTracking = "/api/shipping/shipments?orderId=" + shippedId;
        assertThat(eventually(() -> kim.api().get(shippedTracking).status() == 200
                && !"LABEL_CREATED".equals(kim.api().get(shippedTracking).json().get("status").asString()))).isTrue();
        kim.api().post("/api/billing/orders/" + shippedId + "/cancel", Map.of()).assertProblem(409);
        assertThat(kim.api().get("/api/billing/orders/" + shippedId).json().get("status").asString())
                .isEqualTo("CONFIRMED");
        assertThat(payments(kim, "CAPTURED")).isOne();
    }

    /**
     * Billing dies while shipping is stopping the shipment. Whichever comes first once they are
     * back, the stopped shipment or the dispatch, the recovered cancellation agrees with it: a
     * cancelled order is refunded and its shipment stopped, a confirmed one ships and keeps its
     * charge. Never the shipment stopped with the order confirmed and paid.
     */
    @Test
    void aCancellationInterruptedByABillingCrashEndsConsistentWithTheShipment() throws Exception {
        Shopper lee = signUp();
        fill(lee, product("BOK-005"), 1);
        ApiClient.Response placed = checkout(lee, key(), APPROVED);
        assertThat(placed.status()).as(placed.body()).isEqualTo(201);
        String orderId = placed.json().get("orderId").asString();
        ServiceProcess shipping = stack.service("shipping").process();
        CompletableFuture<ApiClient.Response> cancel;
        shipping.freeze();
        try {
            cancel = CompletableFuture.supplyAsync(() -> lee.api().post("/api/billing/orders/" + orderId + "/cancel",
                    Map.of()));
            assertThat(eventually(() -> sagaSteps(lee).equals(List.of("CANCELLING")))).isTrue();
            stack.service("billing").process().kill();
        } finally {
            shipping.thaw();
        }
        assertThat(cancel.handle((response, error) -> response == null || response.status() >= 500).get()).isTrue();
        stack.service("billing").process().start();
        stack.service("billing").awaitHealthy();

        assertThat(eventually(() -> sagaSteps(lee).equals(List.of("DONE")))).as("the cancellation finished").isTrue();
        String order = lee.api().get("/api/billing/orders/" + orderId).json().get("status").asString();
        String tracking = "/api/shipping/shipments?orderId=" + orderId;
        assertThat(eventually(() -> lee.api().get(tracking).status() == 200)).isTrue();
        String shipment = lee.api().get(tracking).json().get("status").asString();
        if (order.equals("CANCELLED")) {
            assertThat(shipment).isEqualTo("CANCELLED");
            assertThat(eventually(() -> payments(lee, "REFUNDED") == 1)).as("refunded").isTrue();
        } else {
            assertThat(order).isEqualTo("CONFIRMED");
            assertThat(shipment).isNotEqualTo("CANCELLED");
            assertThat(payments(lee, "CAPTURED")).isOne();
        }
    }

    private Product product(String sku) {
        return Product.seeded(gateway, sku);
    }

    private Shopper signUp() {
        String email = "shopper-" + UUID.randomUUID() + "@example.com";
        String id = gateway.post("/api/profiles/register", Map.of("email", email, "password", "a password",
                "name", "Shopper")).json().get("id").asString();
        String token = gateway.post("/api/profiles/login", Map.of("email", email, "password", "a password"))
                .json().get("token").asString();
        return new Shopper(gateway.withToken(token), id);
    }

    private static void fill(Shopper shopper, Product product, int quantity) {
        ApiClient.Response put = shopper.api().put("/api/profiles/me/cart/items/" + product.id(),
                Map.of("quantity", quantity));
        assertThat(put.status()).as(put.body()).isEqualTo(200);
    }

    private static ApiClient.Response checkout(Shopper shopper, String key, String cardNumber) {
        return shopper.api().withHeader("Idempotency-Key", key).post("/api/billing/orders", body(cardNumber));
    }

    /** A checkout of the cart at this version, as the shop's page sends it. */
    private static ApiClient.Response checkout(Shopper shopper, String key, String cardNumber, long cartVersion) {
        Map<String, Object> body = new HashMap<>(body(cardNumber));
        body.put("cartVersion", cartVersion);
        return shopper.api().withHeader("Idempotency-Key", key).post("/api/billing/orders", body);
    }

    private static long cartVersion(Shopper shopper) {
        return shopper.api().get("/api/profiles/me/cart").json().get("version").asLong();
    }

    private static Map<String, Object> body(String cardNumber) {
        return Map.of("shippingAddress", ADDRESS, "payment",
                Map.of("cardNumber", cardNumber, "expMonth", 12, "expYear", 2099, "cvc", "123"));
    }

    private int stock(String sku) {
        return gateway.get("/api/inventory/stock/" + sku).json().get("available").asInt();
    }

    private void setStock(String sku, int available) {
        ApiClient admin = gateway.withToken(gateway.post("/api/profiles/login",
                Map.of("email", LocalStack.ADMIN_EMAIL, "password", LocalStack.ADMIN_PASSWORD)).json().get("token")
                .asString());
        ApiClient.Response set = admin.put("/api/inventory/stock/" + sku, Map.of("available", available));
        assertThat(set.status()).as(set.body()).isEqualTo(200);
    }

    /** The shopper's payments in this status (any status when null), read from payment's own database. */
    private long payments(Shopper shopper, String status) {
        return Sql.count(stack.service("payment").database(), "select count(*) from payment where user_id = ?"
                + (status == null ? "" : " and status = '" + status + "'"), shopper.id());
    }

    /** How far each of the shopper's checkouts got, from billing's own database. */
    private List<String> sagaSteps(Shopper shopper) {
        return Sql.column(stack.service("billing").database(), "select step from customer_order where user_id = ?::uuid",
                shopper.id());
    }

    private long captures(Shopper shopper) {
        return Sql.count(stack.service("payment").database(), """
                select count(*) from payment_event e join payment p on p.id = e.payment_id
                where p.user_id = ? and e.kind = 'CAPTURE'""", shopper.id());
    }

    /** Changes a service's data behind its back, as its own jobs or other shoppers would. */
    private static void update(TestDatabase database, String sql, String parameter) {
        assertThat(Sql.update(database, sql, parameter)).as(sql).isOne();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Polls for up to 30 s: recovery and discovery converge in seconds, never at a fixed time. */
    private static boolean eventually(java.util.function.BooleanSupplier condition) {
        return eventually(condition, Duration.ofSeconds(30));
    }

    private static boolean eventually(java.util.function.BooleanSupplier condition, Duration patience) {
        Instant deadline = Instant.now().plus(patience);
        while (Instant.now().isBefore(deadline)) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** Sends one checkout per shopper at once, each on its own thread, and waits for every answer. */
    private static List<ApiClient.Response> concurrently(List<Shopper> shoppers,
            Function<Shopper, ApiClient.Response> call) {
        ExecutorService pool = Executors.newFixedThreadPool(shoppers.size());
        try {
            List<CompletableFuture<ApiClient.Response>> calls = shoppers.stream()
                    .map(shopper -> CompletableFuture.supplyAsync(() -> call.apply(shopper), pool)).toList();
            return calls.stream().map(CompletableFuture::join).toList();
        } finally {
            pool.shutdown();
        }
    }

    private static String key() {
        return UUID.randomUUID().toString();
    }
}
