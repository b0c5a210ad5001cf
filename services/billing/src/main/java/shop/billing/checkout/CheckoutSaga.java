package shop.billing.checkout;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import shop.billing.BillingProperties;
import shop.billing.checkout.grpc.CatalogClient;
import shop.billing.checkout.grpc.InventoryClient;
import shop.billing.checkout.grpc.PaymentClient;
import shop.billing.checkout.grpc.ProfilesClient;
import shop.billing.checkout.grpc.ShippingClient;
import shop.billing.order.Order;
import shop.billing.order.OrderLine;
import shop.billing.order.OrderStore;
import shop.billing.order.OrderStore.SagaState;
import shop.platform.problem.CalleeFailed;
import shop.platform.problem.InvalidFieldException;

/**
 * The checkout saga: cart (profiles), prices (catalog), stock held (inventory), shipping quote
 * (shipping), payment authorised (payment), then order and invoice stored; after that only
 * forward: capture, commit the stock, clear the cart. A failure before the order is stored
 * gives back what was taken (release the stock, void the authorisation). Each step is stored,
 * so a checkout interrupted by a crash is finished or undone by {@link #resume}.
 */
@Service
class CheckoutSaga {

    private static final Logger log = LoggerFactory.getLogger(CheckoutSaga.class);

    private final OrderStore orders;
    private final ProfilesClient profiles;
    private final CatalogClient catalog;
    private final InventoryClient inventory;
    private final ShippingClient shipping;
    private final PaymentClient payment;
    private final BillingProperties properties;

    CheckoutSaga(OrderStore orders, ProfilesClient profiles, CatalogClient catalog, InventoryClient inventory,
            ShippingClient shipping, PaymentClient payment, BillingProperties properties) {
        this.orders = orders;
        this.profiles = profiles;
        this.catalog = catalog;
        this.inventory = inventory;
        this.shipping = shipping;
        this.payment = payment;
        this.properties = properties;
    }

    /** What a checkout has reached so far, so that a failure gives back only what it took. */
    private static final class Progress {
        String service = "catalog";
        boolean reserveTried;
        boolean authorizeTried;
    }

    /**
     * Checks out the shopper's cart once per idempotency key and once per cart version: a
     * repeated key returns the first checkout's order, or its failure; a second checkout of the
     * same cart (another tab, another key) returns the order of the first. Neither charges again.
     *
     * @throws CheckoutFailed when no order came of it; whatever it had taken is given back
     */
    Order checkout(UUID userId, String idempotencyKey, CheckoutRequest request) {
        String digest = digest(request);
        if (orders.byKey(userId, idempotencyKey).isPresent()) {
            return replay(userId, idempotencyKey, digest);
        }
        if (request.cartVersion() != null) {
            // Another tab may have bought the cart this page showed, which changed the cart since.
            Optional<Order> first = firstOrderOf(userId, request.cartVersion());
            if (first.isPresent()) {
                return first.get();
            }
        }
        ShopperCart cart = cartToBuy(userId, request.cartVersion());
        UUID orderId = UUID.randomUUID();
        while (!orders.start(orderId, userId, idempotencyKey, digest, cart.version(), request.shippingAddress(),
                properties.sagaLease())) {
            if (orders.byKey(userId, idempotencyKey).isPresent()) {
                return replay(userId, idempotencyKey, digest);
            }
            Optional<Order> first = firstOrderOf(userId, cart.version());
            if (first.isPresent()) {
                return first.get();
            }
            // The other checkout of this cart failed meanwhile, which frees the cart for this one.
        }
        Progress progress = new Progress();
        UUID paymentId;
        try {
            paymentId = place(orderId, userId, cart.items(), request, progress);
        } catch (CheckoutFailed failure) {
            undo(orderId, progress, failure);
            throw failure;
        } catch (CalleeFailed e) {
            log.warn("checkout {} failed at {}: {}", orderId, progress.service, e.getMessage());
            CheckoutFailed failure = unavailable(progress.service);
            undo(orderId, progress, failure);
            throw failure;
        }
        complete(orderId, userId, paymentId);
        return orders.order(userId, orderId).orElseThrow();
    }

    /** The order of another checkout of this cart version, once it has one; empty when there is none, or it failed. */
    private Optional<Order> firstOrderOf(UUID userId, long cartVersion) {
        return settled(() -> orders.byCart(userId, cartVersion), "Another checkout of this cart is in progress, in "
                + "another tab or window. Its order will show under your orders shortly.")
                .map(saga -> orders.order(userId, saga.id()).orElseThrow());
    }

    /** The cart as it is now, if it is the version the shopper saw (when they named one) and not empty. */
    private ShopperCart cartToBuy(UUID userId, Long seenVersion) {
        ShopperCart cart;
        try {
            cart = profiles.cart(userId);
        } catch (CalleeFailed e) {
            log.warn("checkout could not read the cart: {}", e.getMessage());
            throw unavailable("profiles");
        }
        if (seenVersion != null && seenVersion != cart.version()) {
            throw new CheckoutFailed(409, "Your cart changed since you opened the checkout (version " + seenVersion
                    + ", now " + cart.version() + "). Nothing was charged; review your cart and check out again.",
                    "cartVersion");
        }
        if (cart.items().isEmpty()) {
            throw new CheckoutFailed(409, "Your cart is empty: add something before checking out.");
        }
        return cart;
    }

    private static CheckoutFailed unavailable(String service) {
        return new CheckoutFailed(503, "The " + service + " service is not answering right now. Nothing was "
                + "charged and your cart is unchanged; please try again shortly.");
    }

    /** Finishes or undoes a checkout that its request left unfinished (billing crashed, or a step failed). */
    void resume(SagaState saga) {
        try {
            switch (saga.step()) {
                case NEW -> {
                    giveBack(saga.id());
                    orders.failed(saga.id(), 503, "The checkout was interrupted. Nothing was charged and your cart "
                            + "is unchanged; please try again.", null, true);
                    log.info("interrupted checkout {} undone", saga.id());
                }
                case UNDOING -> {
                    giveBack(saga.id());
                    orders.undone(saga.id());
                    log.info("failed checkout {} undone", saga.id());
                }
                case PLACED -> complete(saga.id(), saga.userId(), saga.paymentId());
                case CANCELLING, DONE -> {
                    // Not a checkout's to finish: OrderCancellation resumes CANCELLING.
                }
            }
        } catch (CalleeFailed e) {
            // Its lease runs out again and the next round tries again.
            log.warn("checkout {} could not be resumed yet: {}", saga.id(), e.getMessage());
        }
    }

    private UUID place(UUID orderId, UUID userId, Map<Long, Integer> cart, CheckoutRequest request,
            Progress progress) {
        CatalogProducts products = catalog.products(cart.keySet());
        String currency = currency(products);
        List<OrderLine> lines = lines(cart, products);
        long itemsCents = lines.stream().mapToLong(OrderLine::lineCents).sum();
        orders.priced(orderId, lines, itemsCents, currency);

        progress.service = "inventory";
        progress.reserveTried = true;
        reserve(orderId, lines);

        progress.service = "shipping";
        ShippingQuote quote = quote(request, lines, currency);

        progress.service = "payment";
        progress.authorizeTried = true;
        CardPayment authorized = authorize(orderId, userId, request.payment(), itemsCents + quote.costCents(), currency);
        if (!orders.place(orderId, OrderStore.FIRST_EPOCH, quote.costCents(), quote.carrier(), authorized.id(),
                authorized.cardBrand(), authorized.cardLast4(), properties.sagaLease())) {
            // Took so long that the recovery job took the checkout over to give it up; its failure stands.
            throw new CheckoutFailed(503, "The checkout took too long and was cancelled. Nothing was charged.");
        }
        return authorized.id();
    }

    /** Every line at the catalog's price now: nothing the shopper sent is trusted for money. */
    private static List<OrderLine> lines(Map<Long, Integer> cart, CatalogProducts products) {
        if (!products.notSoldIds().isEmpty()) {
            throw new CheckoutFailed(409, "Some products in your cart are no longer sold (product "
                    + products.notSoldIds().stream().map(String::valueOf).collect(Collectors.joining(", "))
                    + "). Remove them from your cart and try again.");
        }
        return products.sold().stream()
                .map(product -> new OrderLine(product.id(), product.sku(), product.name(), cart.get(product.id()),
                        product.priceCents(), product.weightGrams()))
                .toList();
    }

    private static String currency(CatalogProducts products) {
        List<String> currencies = products.sold().stream().map(CatalogProduct::currency).distinct().toList();
        if (currencies.size() != 1) {
            throw new CheckoutFailed(409, "Your cart mixes currencies (" + String.join(", ", currencies)
                    + "); one order can be paid in one currency only.");
        }
        return currencies.get(0);
    }

    private void reserve(UUID orderId, List<OrderLine> lines) {
        try {
            inventory.reserve(orderId, lines);
        } catch (OutOfStock e) {
            String shortOf = lines.stream()
                    .filter(line -> e.skus().contains(line.sku()))
                    .map(OrderLine::name)
                    .collect(Collectors.joining(", "));
            throw new CheckoutFailed(409, "Not enough stock" + (shortOf.isEmpty() ? "" : " of " + shortOf)
                    + " for your order. Lower the quantity or remove it, then try again.");
        }
    }

    private ShippingQuote quote(CheckoutRequest request, List<OrderLine> lines, String currency) {
        try {
            return shipping.quote(request.shippingAddress(), lines, currency);
        } catch (InvalidFieldException e) {
            throw invalidField(e);
        }
    }

    private CardPayment authorize(UUID orderId, UUID userId, CheckoutRequest.Card card, long amountCents,
            String currency) {
        try {
            return payment.authorize(authorizeKey(orderId), orderId, userId, amountCents, currency, card);
        } catch (InvalidFieldException e) {
            throw invalidField(e);
        } catch (CardDeclined e) {
            throw new CheckoutFailed(402, e.insufficientFunds()
                    ? "The card was declined for insufficient funds. Nothing was charged; try another card."
                    : "The card was declined. Nothing was charged; try another card.");
        }
    }

    /** A field of the checkout request that a callee refused, as a 400 naming it. */
    private static CheckoutFailed invalidField(InvalidFieldException e) {
        return new CheckoutFailed(400, "Invalid " + e.field() + ": " + e.getMessage() + ".", e.field());
    }

    /**
     * After the order is stored: sell the stock, take the money, take what was bought out of the
     * cart. Each step is idempotent. The stock goes first: a hold that lapsed meanwhile (the order
     * waited for a service that was down) is taken again if there is enough, and if there is not,
     * the order is cancelled before anything is charged.
     */
    private void complete(UUID orderId, UUID userId, UUID paymentId) {
        try {
            try {
                inventory.commit(orderId);
            } catch (ReservationLapsed e) {
                soldOut(orderId, e);
                return;
            }
            payment.capture(orderId + ":capture", paymentId);
            profiles.takeOut(userId, orderId, orders.order(userId, orderId).orElseThrow().lines());
            orders.confirmed(orderId);
            log.info("order {} confirmed", orderId);
        } catch (CalleeFailed e) {
            log.warn("order {} is placed; finishing it later: {}", orderId, e.getMessage());
        }
    }

    /** Cancels a placed order whose stock is gone, and voids its authorisation (now, or in recovery). */
    private void soldOut(UUID orderId, ReservationLapsed lapsed) {
        log.warn("order {} is cancelled: its stock hold lapsed and could not be taken again ({})", orderId,
                lapsed.getMessage());
        if (orders.soldOut(orderId, "Part of your order sold out while it was being completed, so it is "
                + "cancelled. Your card was not charged, and its authorisation is released.")) {
            voidAuthorization(orderId);
            orders.undone(orderId);
        }
    }

    /** Gives back what a failed checkout took, as far as the services answer. */
    private void undo(UUID orderId, Progress progress, CheckoutFailed failure) {
        boolean undone = true;
        try {
            if (progress.reserveTried) {
                inventory.release(orderId);
            }
            if (progress.authorizeTried) {
                voidAuthorization(orderId);
            }
        } catch (CalleeFailed e) {
            log.warn("checkout {} failed and is undone later: {}", orderId, e.getMessage());
            undone = false;
        }
        orders.failed(orderId, failure.status(), failure.getMessage(), failure.field(), undone);
    }

    /** Releases the stock and voids any authorisation, whether or not this billing saw it made. */
    private void giveBack(UUID orderId) {
        inventory.release(orderId);
        voidAuthorization(orderId);
    }

    private void voidAuthorization(UUID orderId) {
        payment.authorization(authorizeKey(orderId))
                .filter(CardPayment::held)
                .ifPresent(held -> payment.voidAuthorization(orderId + ":void", held.id()));
    }

    private static String authorizeKey(UUID orderId) {
        return orderId + ":authorize";
    }

    /** The first answer for this key, once the checkout that holds it has one. */
    private Order replay(UUID userId, String idempotencyKey, String digest) {
        SagaState first = orders.byKey(userId, idempotencyKey).orElseThrow();
        if (!first.requestDigest().equals(digest)) {
            throw new CheckoutFailed(422, "This Idempotency-Key was already used for a different checkout (another "
                    + "cart or other details). Send a new key for a new checkout.", "Idempotency-Key");
        }
        SagaState saga = settled(() -> orders.byKey(userId, idempotencyKey), "A checkout with this Idempotency-Key is "
                + "still in progress. Ask again in a moment for its result.").orElseThrow();
        if ("FAILED".equals(saga.status())) {
            throw new CheckoutFailed(saga.problemStatus(), saga.problemDetail(), saga.problemField());
        }
        return orders.order(userId, saga.id()).orElseThrow();
    }

    /**
     * Waits for the checkout that {@code lookup} finds to get past its first step (placed, or
     * failed), for at most {@code duplicateWait}; empty when there is none any more.
     *
     * @throws CheckoutFailed 409 with {@code busy} when it is still running after that
     */
    private Optional<SagaState> settled(Supplier<Optional<SagaState>> lookup, String busy) {
        Instant giveUp = Instant.now().plus(properties.duplicateWait());
        while (true) {
            Optional<SagaState> saga = lookup.get();
            if (saga.isEmpty() || saga.get().step() != OrderStore.Step.NEW) {
                return saga;
            }
            if (Instant.now().isAfter(giveUp)) {
                throw new CheckoutFailed(409, busy);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CheckoutFailed(503, "Interrupted while waiting for another checkout to finish.");
            }
        }
    }

    /**
     * Tells apart two requests under one key by what they ask for, without keeping the card
     * number. The cart version counts only when the request names one, so digests of requests
     * that name none stay as they were.
     */
    private static String digest(CheckoutRequest request) {
        CheckoutRequest.Card card = request.payment();
        String digits = card.digits();
        String fingerprint = request.shippingAddress() + "|" + digits.substring(Math.max(0, digits.length() - 4))
                + "|" + card.expMonth() + "/" + card.expYear()
                + (request.cartVersion() == null ? "" : "|cart " + request.cartVersion());
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(fingerprint.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
