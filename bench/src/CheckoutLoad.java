import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Virtual shoppers against the gateway at an open arrival rate: a new shopper arrives on a fixed
 * schedule whatever the shop's latency, so a slow shop shows up as queueing rather than as fewer
 * requests (no coordinated omission). Each registers, logs in, browses a page, adds 1 to 3
 * products and checks out. The rate doubles until checkout's p99 passes 1 s or checkouts fail.
 * The anchor, in the same run, is a product read through the same gateway.
 * Then it checks the invariants: units sold = units ordered, one capture and one invoice per order.
 *
 * Usage: java -cp <jackson and postgresql> CheckoutLoad.java GATEWAY_URL ADMIN_PASSWORD BILLING_JDBC PAYMENT_JDBC
 * Environment: STEP_SECONDS (default 20), START_RATE (1/s), MAX_RATE (64/s), WARMUP_SECONDS (20, at 2/s).
 */
public class CheckoutLoad {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final List<String> STEPS = List.of("register", "login", "browse", "add-to-cart", "checkout");

    final String gateway;
    final List<JsonNode> products = new ArrayList<>();
    final Map<String, List<Long>> latencies = new ConcurrentHashMap<>();
    final AtomicInteger orders = new AtomicInteger();
    final AtomicInteger failures = new AtomicInteger();
    final AtomicLong unitsOrdered = new AtomicLong();
    final Map<String, AtomicInteger> failedBy = new ConcurrentHashMap<>();

    CheckoutLoad(String gateway) {
        this.gateway = gateway;
    }

    public static void main(String[] args) throws Exception {
        CheckoutLoad load = new CheckoutLoad(args[0]);
        int stepSeconds = Integer.parseInt(System.getenv().getOrDefault("STEP_SECONDS", "20"));
        double rate = Double.parseDouble(System.getenv().getOrDefault("START_RATE", "1"));
        double maxRate = Double.parseDouble(System.getenv().getOrDefault("MAX_RATE", "64"));
        String admin = load.login("admin@bench.local", args[1]);
        load.loadProducts();
        Map<String, Integer> stockBefore = load.plentyOfStock(admin);
        // Warm-up, not reported: class loading, JIT, connection pools and gRPC channels.
        load.run(2, Integer.parseInt(System.getenv().getOrDefault("WARMUP_SECONDS", "20")));
        long warmupOrders = load.orders.get();
        long warmupUnits = load.unitsOrdered.get();

        System.out.printf("%-8s %-12s %8s %8s %8s %8s%n", "rate/s", "step", "p50_ms", "p95_ms", "p99_ms", "n");
        double bestRate = 0;
        double bestOrdersPerSecond = 0;
        long anchorP50 = 0;
        long checkoutP50AtBest = 0;
        long totalOrders = warmupOrders;
        long totalUnits = warmupUnits;
        while (rate <= maxRate) {
            load.reset();
            load.run(rate, stepSeconds);
            long anchor = load.anchor(50);
            load.print(rate);
            System.out.printf("%-8s %-12s %8d %8s %8s %8s%n", fmt(rate), "anchor-read", anchor, "", "", 50);
            totalOrders += load.orders.get();
            totalUnits += load.unitsOrdered.get();
            long p99 = percentile(load.latencies.get("checkout"), 99);
            boolean healthy = p99 < 1000 && load.failures.get() == 0;
            System.out.printf("%-8s orders %d (%.2f/s), failed journeys %d %s%s%n", fmt(rate), load.orders.get(),
                    load.orders.get() / (double) stepSeconds, load.failures.get(), load.failedBy,
                    healthy ? "" : "  <- p99 over 1 s or failures: stop");
            if (!healthy) {
                break;
            }
            bestRate = rate;
            bestOrdersPerSecond = load.orders.get() / (double) stepSeconds;
            anchorP50 = anchor;
            checkoutP50AtBest = percentile(load.latencies.get("checkout"), 50);
            rate *= 2;
        }
        System.out.printf("%nhighest arrival rate with checkout p99 < 1 s: %s/s -> %.2f orders/s%n", fmt(bestRate),
                bestOrdersPerSecond);
        if (anchorP50 > 0) {
            System.out.printf("checkout p50 %d ms vs anchor (product read via gateway) p50 %d ms: ratio %.1f%n",
                    checkoutP50AtBest, anchorP50, checkoutP50AtBest / (double) anchorP50);
        }
        boolean ok = load.checkInvariants(stockBefore, totalOrders, totalUnits, args[2], args[3]);
        System.exit(ok ? 0 : 1);
    }

    void run(double rate, int seconds) throws InterruptedException {
        ExecutorService shoppers = Executors.newCachedThreadPool();
        long intervalNanos = (long) (1_000_000_000L / rate);
        long start = System.nanoTime();
        int arrivals = (int) (rate * seconds);
        for (int i = 0; i < arrivals; i++) {
            long due = start + i * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            shoppers.execute(this::journey);
        }
        shoppers.shutdown();
        if (!shoppers.awaitTermination(120, TimeUnit.SECONDS)) {
            System.out.println("journeys still running after 120 s");
        }
    }

    void journey() {
        try {
            String email = "bench-" + UUID.randomUUID() + "@example.com";
            timed("register", () -> send("POST", "/api/profiles/register", null,
                    Map.of("email", email, "password", "bench password", "name", "Bench"), 201));
            String token = timed("login", () -> send("POST", "/api/profiles/login", null,
                    Map.of("email", email, "password", "bench password"), 200)).get("token").asString();
            timed("browse", () -> send("GET", "/api/catalog/products?size=12&page="
                    + ThreadLocalRandom.current().nextInt(6), null, null, 200));
            int lines = 1 + ThreadLocalRandom.current().nextInt(3);
            List<JsonNode> picked = new ArrayList<>(products);
            Collections.shuffle(picked);
            long units = 0;
            for (JsonNode product : picked.subList(0, lines)) {
                int quantity = 1 + ThreadLocalRandom.current().nextInt(2);
                units += quantity;
                timed("add-to-cart", () -> send("PUT", "/api/profiles/me/cart/items/" + product.get("id").asLong(),
                        token, Map.of("quantity", quantity), 200));
            }
            timed("checkout", () -> send("POST", "/api/billing/orders", token, Map.of(
                    "shippingAddress", Map.of("line1", "1 Bench Road", "city", "Loadville", "postalCode", "12345",
                            "country", "US"),
                    "payment", Map.of("cardNumber", "4242424242424242", "expMonth", 12, "expYear", 2099,
                            "cvc", "123")), 201));
            orders.incrementAndGet();
            unitsOrdered.addAndGet(units);
        } catch (StepFailed e) {
            failures.incrementAndGet();
            failedBy.computeIfAbsent(e.getMessage(), k -> new AtomicInteger()).incrementAndGet();
        }
    }

    static final class StepFailed extends RuntimeException {
        StepFailed(String what) {
            super(what, null, false, false);
        }
    }

    interface Step {
        JsonNode call();
    }

    JsonNode timed(String step, Step call) {
        long started = System.nanoTime();
        try {
            return call.call();
        } catch (StepFailed e) {
            throw new StepFailed(step + " " + e.getMessage());
        } finally {
            latencies.computeIfAbsent(step, k -> Collections.synchronizedList(new ArrayList<>()))
                    .add((System.nanoTime() - started) / 1_000_000);
        }
    }

    JsonNode send(String method, String path, String token, Object body, int expected) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (path.equals("/api/billing/orders")) {
            request.header("Idempotency-Key", UUID.randomUUID().toString());
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != expected) {
                throw new StepFailed(String.valueOf(response.statusCode()));
            }
            return response.body().isEmpty() ? null : JSON.readTree(response.body());
        } catch (java.io.IOException e) {
            throw new StepFailed(e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailed("interrupted");
        }
    }

    String login(String email, String password) {
        return send("POST", "/api/profiles/login", null, Map.of("email", email, "password", password), 200)
                .get("token").asString();
    }

    void loadProducts() {
        send("GET", "/api/catalog/products?size=100", null, null, 200).get("items").forEach(products::add);
    }

    /** Enough stock that every checkout can succeed: the figure is the shop's speed, not its stock. */
    Map<String, Integer> plentyOfStock(String admin) {
        Map<String, Integer> levels = new ConcurrentHashMap<>();
        for (JsonNode product : products) {
            String sku = product.get("sku").asString();
            send("PUT", "/api/inventory/stock/" + sku, admin, Map.of("available", 100_000), 200);
            levels.put(sku, 100_000);
        }
        return levels;
    }

    /** The anchor: sequential product reads through the same gateway, right after the load step. */
    long anchor(int reads) {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < reads; i++) {
            long id = products.get(i % products.size()).get("id").asLong();
            long started = System.nanoTime();
            send("GET", "/api/catalog/products/" + id, null, null, 200);
            times.add((System.nanoTime() - started) / 1_000_000);
        }
        return percentile(times, 50);
    }

    boolean checkInvariants(Map<String, Integer> stockBefore, long totalOrders, long totalUnits, String billingJdbc,
            String paymentJdbc) throws SQLException, InterruptedException {
        // An order whose last steps failed is finished by billing's recovery job, after its lease.
        for (int i = 0; i < 120 && count(billingJdbc, "billing",
                "select count(*) from customer_order where step <> 'DONE'") > 0; i++) {
            Thread.sleep(1000);
        }
        long sold = 0;
        for (Map.Entry<String, Integer> level : stockBefore.entrySet()) {
            sold += level.getValue() - send("GET", "/api/inventory/stock/" + level.getKey(), null, null, 200)
                    .get("available").asInt();
        }
        long confirmed = count(billingJdbc, "billing", "select count(*) from customer_order where status = 'CONFIRMED'");
        // What billing recorded, not what the client saw: a checkout whose answer timed out may still have sold.
        long unitsInOrders = count(billingJdbc, "billing", """
                select coalesce(sum(l.quantity), 0) from order_line l
                join customer_order o on o.id = l.order_id where o.status = 'CONFIRMED'""");
        long invoices = count(billingJdbc, "billing", "select count(*) from invoice");
        long captured = count(paymentJdbc, "payment", "select count(*) from payment where status = 'CAPTURED'");
        long captures = count(paymentJdbc, "payment", "select count(*) from payment_event where kind = 'CAPTURE'");
        boolean ok = sold == unitsInOrders && invoices == confirmed && captured == confirmed && captures == confirmed;
        System.out.printf("invariants: units sold %d = units in confirmed orders %d; confirmed orders %d = invoices %d"
                + " = captured payments %d = capture events %d: %s%n", sold, unitsInOrders, confirmed, invoices,
                captured, captures, ok ? "OK" : "VIOLATED");
        System.out.printf("(the shoppers saw %d orders placed with %d units)%n", totalOrders, totalUnits);
        return ok;
    }

    static long count(String jdbcUrl, String user, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, user, user);
             var statement = connection.createStatement(); var row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }

    void reset() {
        latencies.clear();
        orders.set(0);
        failures.set(0);
        unitsOrdered.set(0);
        failedBy.clear();
    }

    void print(double rate) {
        for (String step : STEPS) {
            List<Long> times = latencies.getOrDefault(step, List.of());
            System.out.printf("%-8s %-12s %8d %8d %8d %8d%n", fmt(rate), step, percentile(times, 50),
                    percentile(times, 95), percentile(times, 99), times.size());
        }
    }

    static long percentile(List<Long> values, int percent) {
        if (values == null || values.isEmpty()) {
            return 0;
        }
        List<Long> sorted;
        synchronized (values) {
            sorted = new ArrayList<>(values);
        }
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1));
    }

    static String fmt(double rate) {
        return rate == Math.rint(rate) ? String.valueOf((long) rate) : String.valueOf(rate);
    }
}
