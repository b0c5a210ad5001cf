package shop.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import shop.testing.ApiClient;
import shop.testing.TcpProxy;
import tools.jackson.databind.JsonNode;

/**
 * Money and stock stay right under faults. Shoppers check out through the gateway at an open
 * arrival rate, and cancel some orders: first in a calm phase, then while a schedule freezes,
 * kills and restarts payment, inventory, billing and shipping and cuts RabbitMQ and PostgreSQL
 * away from every service (pools and listeners must recover without a restart), with a second
 * billing whose recovery job takes over what a frozen one leaves. Once the faults stop and the
 * stack has settled, the invariants are read from the services' own databases, and the test
 * fails on the first one broken. bench/chaos runs it longer and keeps its figures.
 *
 * <p>Lengths: {@code -Dshop.chaos.seconds} for the faulty phase (default 90),
 * {@code -Dshop.chaos.calm-seconds} for the calm one (default 20); {@code -Dshop.chaos.rate}
 * shoppers arriving per second (default 1.5); {@code -Dshop.chaos.targets} what the faults hit
 * (default {@code payment,inventory,billing,shipping,rabbitmq,postgresql}).
 */
class ChaosTest {

    static final String CARD = "4242424242424242";
    static final String DECLINED = "4000000000000002";
    static final Map<String, Object> ADDRESS = Map.of("line1", "1 Main St", "city", "Springfield",
            "postalCode", "12345", "country", "US");
    /** Products no other test buys, each stocked with this much before the run. */
    static final List<String> SKUS = List.of("KIT-001", "KIT-002", "OFF-001", "OFF-002", "OUT-001");
    static final int STOCK = 400;
    static final int SHOPPERS = 24;
    static final List<String> TARGETS = List.of("payment", "inventory", "billing", "shipping", "rabbitmq",
            "postgresql");

    private final LocalStack stack = LocalStack.shared();
    private final ApiClient gateway = new ApiClient(stack.gatewayUrl());
    private final LinkedBlockingQueue<Shopper> idle = new LinkedBlockingQueue<>();
    private final Map<String, Long> productIds = new HashMap<>();
    private final Set<String> shopperIds = ConcurrentHashMap.newKeySet();

    record Shopper(ApiClient api, String id) {
    }

    /** What one phase of shoppers saw. */
    static final class Phase {
        final String name;
        final Duration length;
        final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        final List<Long> checkoutMillis = Collections.synchronizedList(new ArrayList<>());

        Phase(String name, Duration length) {
            this.name = name;
            this.length = length;
        }

        void count(String outcome) {
            outcomes.computeIfAbsent(outcome, key -> new AtomicInteger()).incrementAndGet();
        }

        int seen(String outcome) {
            AtomicInteger found = outcomes.get(outcome);
            return found == null ? 0 : found.get();
        }

        long p99() {
            List<Long> sorted;
            synchronized (checkoutMillis) {
                sorted = new ArrayList<>(checkoutMillis);
            }
            Collections.sort(sorted);
            return sorted.isEmpty() ? 0 : sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
        }

        double ordersPerSecond() {
            return seen("checkout 201") / (double) length.toSeconds();
        }
    }

    @Test
    void aScheduleNamingAnUnknownTargetIsRefusedBeforeAnyLoad() {
        assertThat(targets(" payment, rabbitmq ")).containsExactly("payment", "rabbitmq");
        assertThatThrownBy(() -> targets("payment,gateway"))
                .hasMessageContaining("unknown [gateway]").hasMessageContaining("shop.chaos.targets");
        assertThatThrownBy(() -> targets(" , "))
                .hasMessageContaining("names no target");
    }

    @Test
    void moneyAndStockStayRightWhileServicesAndTheBrokerFailUnderLoad() throws Exception {
        Duration faulty = Duration.ofSeconds(Long.getLong("shop.chaos.seconds", 90));
        Duration calm = Duration.ofSeconds(Long.getLong("shop.chaos.calm-seconds", 20));
        double rate = Double.parseDouble(System.getProperty("shop.chaos.rate", "1.5"));
        List<String> targets = targets(System.getProperty("shop.chaos.targets", String.join(",", TARGETS)));
        prepare();
        ServiceProcess replica = stack.startReplica(stack.service("billing"));
        Phase calmPhase;
        Phase faultyPhase;
        Map<String, Integer> faultsRun;
        try {
            // Not reported: class loading, JIT, pools and the first gRPC connections.
            shop(new Phase("warm-up", Duration.ofSeconds(10)), rate);
            calmPhase = shop(new Phase("calm", calm), rate);
            AtomicBoolean faulting = new AtomicBoolean(true);
            Map<String, Integer> ran = new ConcurrentHashMap<>();
            AtomicReference<Throwable> scheduleFailed = new AtomicReference<>();
            Thread schedule = new Thread(() -> runFaults(targets, faulting, ran), "chaos-schedule");
            // A fault that could not be undone (a service that did not come back) fails the run.
            schedule.setUncaughtExceptionHandler((thread, failure) -> scheduleFailed.set(failure));
            schedule.start();
            try {
                faultyPhase = shop(new Phase("faults", faulty), rate);
            } finally {
                faulting.set(false);
                schedule.join(TimeUnit.MINUTES.toMillis(3));
            }
            assertThat(schedule.isAlive()).as("the schedule ended").isFalse();
            assertThat(scheduleFailed.get()).as("every fault undone").isNull();
            faultsRun = ran;
            long settling = System.nanoTime();
            Map<String, String> breaches = settle(Duration.ofMinutes(2));
            System.out.printf("chaos: settled in %d s after the last fault%n",
                    Duration.ofNanos(System.nanoTime() - settling).toSeconds());
            report(calmPhase, faultyPhase, faultsRun, breaches);
            assertThat(breaches).as("invariants broken after the faults").isEmpty();
            Duration recovered = sellsAgain(Duration.ofMinutes(2));
            System.out.printf("chaos: sells steadily again %d s after the invariants held%n", recovered.toSeconds());
        } finally {
            replica.stop();
        }
        assertThat(faultsRun.values().stream().mapToInt(Integer::intValue).sum()).as("faults injected").isPositive();
        assertThat(faultyPhase.seen("checkout 201")).as("orders placed during the faults").isPositive();
    }

    /** The schedule's targets; one it cannot hit stops the run before any load. */
    static List<String> targets(String list) {
        List<String> targets = List.of(list.split(",")).stream().map(String::strip).filter(t -> !t.isEmpty()).toList();
        List<String> unknown = targets.stream().filter(target -> !TARGETS.contains(target)).toList();
        if (targets.isEmpty() || !unknown.isEmpty()) {
            throw new IllegalArgumentException("shop.chaos.targets: " + (targets.isEmpty() ? "names no target"
                    : "unknown " + unknown) + "; choose from " + TARGETS);
        }
        return targets;
    }

    private String adminToken() {
        return gateway.post("/api/profiles/login", Map.of("email", LocalStack.ADMIN_EMAIL,
                "password", LocalStack.ADMIN_PASSWORD)).json().get("token").asString();
    }

    private void prepare() {
        ApiClient admin = gateway.withToken(adminToken());
        for (String sku : SKUS) {
            ApiClient.Response set = admin.put("/api/inventory/stock/" + sku, Map.of("available", STOCK));
            assertThat(set.status()).as(set.body()).isEqualTo(200);
            productIds.put(sku, Product.seeded(gateway, sku).id());
        }
        for (int i = 0; i < SHOPPERS; i++) {
            String email = "chaos-" + UUID.randomUUID() + "@example.com";
            String id = gateway.post("/api/profiles/register", Map.of("email", email, "password", "a password",
                    "name", "Chaos")).json().get("id").asString();
            String token = gateway.post("/api/profiles/login", Map.of("email", email, "password", "a password"))
                    .json().get("token").asString();
            idle.add(new Shopper(gateway.withToken(token), id));
            shopperIds.add(id);
        }
    }

    /** Shoppers arrive every 1/rate s whatever the shop's latency; one who finds no idle account is counted as turned away. */
    private Phase shop(Phase phase, double rate) throws InterruptedException {
        ExecutorService visits = Executors.newFixedThreadPool(SHOPPERS);
        long interval = (long) (1_000_000_000L / rate);
        long start = System.nanoTime();
        for (long next = start; next - start < phase.length.toNanos(); next += interval) {
            TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime()));
            Shopper shopper = idle.poll();
            if (shopper == null) {
                phase.count("turned away (every shopper busy)");
                continue;
            }
            visits.execute(() -> {
                try {
                    visit(shopper, phase);
                } catch (RuntimeException e) {
                    phase.count("visit broke off: " + e.getClass().getSimpleName());
                } finally {
                    idle.add(shopper);
                }
            });
        }
        visits.shutdown();
        assertThat(visits.awaitTermination(5, TimeUnit.MINUTES)).as("every visit ended").isTrue();
        return phase;
    }

    /** Fills the cart, pays (one in ten with a declined card), retries a lost answer with the same key, and cancels one order in four. */
    private void visit(Shopper shopper, Phase phase) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (answer(() -> shopper.api().delete("/api/profiles/me/cart")) != 204) {
            phase.count("cart could not be emptied");
            return;
        }
        for (String sku : pick(random)) {
            int put = answer(() -> shopper.api().put("/api/profiles/me/cart/items/" + productIds.get(sku),
                    Map.of("quantity", 1 + random.nextInt(2))));
            if (put != 200) {
                phase.count("add to cart " + put);
                return;
            }
        }
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("shippingAddress", ADDRESS, "payment", Map.of("cardNumber",
                random.nextInt(10) == 0 ? DECLINED : CARD, "expMonth", 12, "expYear", 2099, "cvc", "123"));
        long started = System.nanoTime();
        ApiClient.Response paid = null;
        for (int attempt = 0; attempt < 6 && (paid == null || answerLost(paid)); attempt++) {
            if (attempt > 0) {
                sleep(Duration.ofSeconds(2));
            }
            paid = send(() -> shopper.api().withHeader("Idempotency-Key", key).post("/api/billing/orders", body));
        }
        phase.checkoutMillis.add(Duration.ofNanos(System.nanoTime() - started).toMillis());
        if (answerLost(paid)) {
            phase.count("checkout answer lost after retries");
            return;
        }
        phase.count("checkout " + paid.status());
        if (paid.status() == 201 && "CONFIRMED".equals(paid.json().get("status").asString())
                && random.nextInt(4) == 0) {
            String orderId = paid.json().get("orderId").asString();
            int cancelled = answer(() -> shopper.api().post("/api/billing/orders/" + orderId + "/cancel", Map.of()));
            phase.count("cancel " + cancelled);
        }
    }

    private static List<String> pick(ThreadLocalRandom random) {
        List<String> skus = new ArrayList<>(SKUS);
        Collections.shuffle(skus, random);
        return skus.subList(0, 1 + random.nextInt(2));
    }

    /** The status, retrying a lost answer a few times as a shopper would click again; 0 when none came. */
    private static int answer(Supplier<ApiClient.Response> call) {
        ApiClient.Response response = null;
        for (int attempt = 0; attempt < 4 && (response == null || answerLost(response)); attempt++) {
            if (attempt > 0) {
                sleep(Duration.ofSeconds(2));
            }
            response = send(call);
        }
        return response == null ? 0 : response.status();
    }

    private static ApiClient.Response send(Supplier<ApiClient.Response> call) {
        try {
            return call.get();
        } catch (UncheckedIOException e) {
            return null;
        }
    }

    /** No answer, or the gateway's own (its fallback names the service): the request may or may not have been done. */
    private static boolean answerLost(ApiClient.Response response) {
        if (response == null) {
            return true;
        }
        if (response.status() == 503) {
            return response.body().contains("\"service\"");
        }
        return response.status() >= 500;
    }

    /** One fault after another, each undone before the next, until told to stop. */
    private void runFaults(List<String> targets, AtomicBoolean faulting, Map<String, Integer> ran) {
        ServiceProcess payment = stack.service("payment").process();
        ServiceProcess inventory = stack.service("inventory").process();
        ServiceProcess billing = stack.service("billing").process();
        ServiceProcess shipping = stack.service("shipping").process();
        Map<String, Runnable> faults = new LinkedHashMap<>();
        faults.put("freeze payment 6 s", () -> frozen(payment, Duration.ofSeconds(6)));
        faults.put("kill and restart inventory", () -> restarted("inventory"));
        faults.put("cut RabbitMQ 8 s", () -> cut(stack.broker, Duration.ofSeconds(8)));
        faults.put("cut PostgreSQL 8 s", () -> cut(stack.postgres, Duration.ofSeconds(8)));
        faults.put("freeze billing 14 s, past its lease", () -> frozen(billing, Duration.ofSeconds(14)));
        faults.put("kill and restart shipping", () -> restarted("shipping"));
        faults.put("freeze inventory 5 s", () -> frozen(inventory, Duration.ofSeconds(5)));
        faults.put("kill and restart billing", () -> restarted("billing"));
        faults.put("freeze shipping 6 s", () -> frozen(shipping, Duration.ofSeconds(6)));
        faults.keySet().removeIf(fault -> targets.stream().noneMatch(target -> fault.toLowerCase(Locale.ROOT)
                .contains(target)));
        while (faulting.get()) {
            for (Map.Entry<String, Runnable> fault : faults.entrySet()) {
                if (!faulting.get()) {
                    return;
                }
                fault.getValue().run();
                ran.merge(fault.getKey(), 1, Integer::sum);
                sleep(Duration.ofSeconds(3));
            }
        }
    }

    private static void cut(TcpProxy proxy, Duration length) {
        forAWhile(proxy::cut, proxy::restore, length);
    }

    private static void frozen(ServiceProcess process, Duration length) {
        forAWhile(process::freeze, process::thaw, length);
    }

    /** The fault for this long, undone even when the wait is cut short. */
    private static void forAWhile(Runnable fault, Runnable undo, Duration length) {
        fault.run();
        try {
            sleep(length);
        } finally {
            undo.run();
        }
    }

    private void restarted(String name) {
        stack.service(name).process().kill();
        stack.service(name).process().start();
        stack.service(name).awaitHealthy();
    }

    /**
     * Waits until every saga and event has settled and every invariant holds, or the patience
     * runs out. The invariants are read again on each round, so one that only needs an event
     * still on its way is not a breach.
     *
     * @return each broken invariant and what was read, empty when all hold
     */
    private Map<String, String> settle(Duration patience) {
        Instant deadline = Instant.now().plus(patience);
        Map<String, String> breaches;
        do {
            sleep(Duration.ofSeconds(2));
            breaches = breaches();
        } while (!breaches.isEmpty() && Instant.now().isBefore(deadline));
        return breaches;
    }

    /**
     * The shop sells steadily again: checkouts are answered (placed, or declined for the test
     * card) for longer than a gRPC breaker's 10 s window, so the failures of the last faults, a
     * restarted billing's cold first calls among them, no longer count when the next test starts.
     */
    private Duration sellsAgain(Duration patience) {
        Duration steady = Duration.ofSeconds(12);
        long start = System.nanoTime();
        long steadySince = -1;
        Shopper shopper = idle.remove();
        try {
            while (System.nanoTime() - start < patience.toNanos()) {
                Phase probe = new Phase("recovery", patience);
                visit(shopper, probe);
                if (probe.seen("checkout 201") + probe.seen("checkout 402") == 0) {
                    steadySince = -1;
                    sleep(Duration.ofSeconds(1));
                } else if (steadySince < 0) {
                    steadySince = System.nanoTime();
                } else if (System.nanoTime() - steadySince >= steady.toNanos()) {
                    return Duration.ofNanos(System.nanoTime() - start);
                }
            }
        } finally {
            idle.add(shopper);
        }
        throw new AssertionError("the shop did not sell steadily for " + steady + " within " + patience + " of the faults");
    }

    private Map<String, String> breaches() {
        Map<String, String> breaches = new LinkedHashMap<>();
        var billing = stack.service("billing").database();
        var payment = stack.service("payment").database();
        var inventory = stack.service("inventory").database();
        var shipping = stack.service("shipping").database();
        var profiles = stack.service("profiles").database();
        String[] users = shopperIds.toArray(String[]::new);

        long unfinished = Sql.count(billing, "select count(*) from customer_order where step <> 'DONE'"
                + " and user_id::text = any (?)", (Object) users);
        check(breaches, "every checkout and cancellation finished or undone", unfinished == 0, unfinished + " unfinished");

        List<String[]> orders = Sql.rows(billing, """
                select id::text, status, payment_id::text, coalesce(cancel_reason, '') from customer_order
                where user_id::text = any (?)""", (Object) users);
        Map<String, String> statusOf = orders.stream().collect(Collectors.toMap(row -> row[0], row -> row[1]));
        Set<String> confirmed = ids(orders, "CONFIRMED");

        for (String sku : SKUS) {
            long available = Sql.count(inventory, "select available from stock where sku = ?", sku);
            long held = Sql.count(inventory, """
                    select coalesce(sum(l.quantity), 0) from reservation r join reservation_line l using (order_id)
                    where r.status = 'RESERVED' and l.sku = ?""", sku);
            long ordered = Sql.count(billing, """
                    select coalesce(sum(l.quantity), 0) from order_line l join customer_order o on o.id = l.order_id
                    where o.status = 'CONFIRMED' and l.sku = ?""", sku);
            check(breaches, "units sold of " + sku + " = units in confirmed orders", STOCK - available == ordered
                    && held == 0, "sold " + (STOCK - available) + ", held " + held + ", in confirmed orders " + ordered);
        }
        long negative = Sql.count(inventory, "select count(*) from stock where available < 0");
        check(breaches, "stock never negative", negative == 0, negative + " SKUs below 0");

        Map<String, String[]> payments = Sql.rows(payment, """
                select p.order_id, p.status, (select count(*) from payment_event e
                                              where e.payment_id = p.id and e.kind = 'CAPTURE')::text
                from payment p where p.user_id = any (?)""", (Object) users).stream()
                .collect(Collectors.toMap(row -> row[0], row -> row, (first, second) -> new String[] {first[0],
                        "TWO PAYMENTS", "0"}));
        List<String> badCaptures = confirmed.stream().filter(id -> payments.get(id) == null
                || !"CAPTURED".equals(payments.get(id)[1]) || !"1".equals(payments.get(id)[2])).toList();
        check(breaches, "each confirmed order has exactly one capture", badCaptures.isEmpty(), "not so: " + badCaptures);
        List<String> charged = payments.values().stream()
                .filter(row -> !confirmed.contains(row[0]) && !Set.of("DECLINED", "VOIDED", "REFUNDED").contains(row[1]))
                .map(row -> row[0] + " " + row[1] + " (order " + statusOf.getOrDefault(row[0], "never stored") + ")")
                .toList();
        check(breaches, "each failed checkout and cancelled order charges nothing", charged.isEmpty(),
                "still charged: " + charged);

        long invoiced = Sql.count(billing, "select count(*) from invoice i join customer_order o on o.id = i.order_id"
                + " where o.status = 'CONFIRMED' and o.user_id::text = any (?)", (Object) users);
        check(breaches, "each confirmed order has one invoice", invoiced == confirmed.size(),
                invoiced + " invoices for " + confirmed.size() + " orders");
        Set<String> shipped = Set.copyOf(Sql.column(shipping,
                "select order_id::text from shipment where status <> 'CANCELLED' and user_id::text = any (?)",
                (Object) users));
        check(breaches, "each confirmed order has one shipment, and no other order has one",
                shipped.equals(confirmed), shipped.size() + " shipments for " + confirmed.size() + " orders");

        long placedEver = orders.stream().filter(row -> row[1].equals("CONFIRMED")
                || row[1].equals("CANCELLED") && row[3].contains("your request")).count();
        long counted = Sql.count(profiles, "select coalesce(sum(order_count), 0) from account where id::text = any (?)",
                (Object) users);
        check(breaches, "each order.placed counted once in profiles", counted == placedEver,
                counted + " counted for " + placedEver + " orders placed");

        int deadLetters = deadLetters();
        check(breaches, "the dead-letter queues are empty", deadLetters == 0, deadLetters + " dead letters");
        return breaches;
    }

    private static Set<String> ids(List<String[]> orders, String status) {
        return orders.stream().filter(row -> row[1].equals(status)).map(row -> row[0]).collect(Collectors.toSet());
    }

    private static void check(Map<String, String> breaches, String invariant, boolean holds, String seen) {
        if (!holds) {
            breaches.put(invariant, seen);
        }
    }

    /** Every consumer's dead letters, as its operator would list them. */
    private int deadLetters() {
        String admin = adminToken();
        int letters = 0;
        for (String service : List.of("inventory", "shipping", "profiles", "recommendations")) {
            JsonNode all = new ApiClient(stack.service(service).url()).withToken(admin)
                    .get("/actuator/deadletters").json();
            for (JsonNode ofType : all) {
                letters += ofType.size();
            }
        }
        return letters;
    }

    private void report(Phase calm, Phase faults, Map<String, Integer> faultsRun, Map<String, String> breaches) {
        var billing = stack.service("billing").database();
        String[] users = shopperIds.toArray(String[]::new);
        long failedCleanly = Sql.count(billing, "select count(*) from customer_order where status = 'FAILED'"
                + " and lease_epoch = 0 and user_id::text = any (?)", (Object) users);
        // A shopper's cancel takes the lease once too: only a takeover beyond that was recovery's.
        long recovered = Sql.count(billing, """
                select count(*) from customer_order where user_id::text = any (?)
                and lease_epoch > (case when cancel_reason like '%your request%' then 1 else 0 end)""",
                (Object) users);
        long all = Sql.count(billing, "select count(*) from customer_order where user_id::text = any (?)",
                (Object) users);
        System.out.println("chaos: faults run " + faultsRun);
        for (Phase phase : List.of(calm, faults)) {
            System.out.printf("chaos: %-6s %3d s  orders/s %.2f  checkout p99 %d ms  outcomes %s%n", phase.name,
                    phase.length.toSeconds(), phase.ordersPerSecond(), phase.p99(), new TreeMap<>(
                            phase.outcomes.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                                    entry -> entry.getValue().get()))));
        }
        System.out.printf("chaos: faults/calm  orders/s %.2f  p99 %.1fx%n",
                calm.ordersPerSecond() == 0 ? 0 : faults.ordersPerSecond() / calm.ordersPerSecond(),
                calm.p99() == 0 ? 0 : faults.p99() / (double) calm.p99());
        System.out.printf("chaos: checkouts %d: failed cleanly %d (%.0f%%), finished or undone by recovery %d (%.0f%%)%n",
                all, failedCleanly, 100.0 * failedCleanly / Math.max(1, all), recovered,
                100.0 * recovered / Math.max(1, all));
        System.out.println("chaos: invariants " + (breaches.isEmpty() ? "all hold" : "BROKEN " + breaches));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
