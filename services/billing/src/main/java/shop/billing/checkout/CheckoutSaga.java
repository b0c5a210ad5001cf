package shop.billing.checkout;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import shop.billing.BillingProperties;
import shop.billing.order.Order;
import shop.billing.order.OrderLine;
import shop.billing.order.OrderStore;
import shop.billing.order.OrderStore.SagaState;
import shop.catalog.v1.GetProductsResponse;
import shop.inventory.v1.Item;
import shop.inventory.v1.ReserveRequest;
import shop.payment.v1.AuthorizeRequest;
import shop.payment.v1.Payment;
import shop.payment.v1.PaymentStatus;
import shop.profiles.v1.Cart;
import shop.profiles.v1.CartItem;
import shop.shipping.v1.QuoteRequest;
import shop.platform.problem.CalleeFailed;
import shop.shipping.v1.QuoteResponse;

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
    private final SagaCalls calls;
    private final BillingProperties properties;

    CheckoutSaga(OrderStore orders, SagaCalls calls, BillingProperties properties) {
        this.orders = orders;
        this.calls = calls;
        this.properties = properties;
    }

    /** What a checkout has reached so far, so that a failure gives back only what it took. */
    private static final class Progress {
        String service = "profiles";
        boolean reserveTried;
        boolean authorizeTried;
    }

    /**
     * Checks out the shopper's cart once per idempotency key: a repeated key returns the first
     * checkout's order, or its failure, and never charges again.
     *
     * @throws CheckoutFailed when no order came of it; whatever it had taken is given back
     */
    Order checkout(UUID userId, String idempotencyKey, CheckoutRequest request) {
        String digest = digest(request);
        UUID orderId = UUID.randomUUID();
        if (!orders.start(orderId, userId, idempotencyKey, digest, request.shippingAddress(), properties.sagaLease())) {
            return replay(userId, idempotencyKey, digest);
        }
        Progress progress = new Progress();
        UUID paymentId;
        try {
            paymentId = place(orderId, userId, request, progress);
        } catch (CheckoutFailed failure) {
            undo(orderId, progress, failure);
            throw failure;
        } catch (CalleeFailed e) {
            log.warn("checkout {} failed at {}: {}", orderId, progress.service, e.getMessage());
            CheckoutFailed failure = new CheckoutFailed(503, "The " + progress.service + " service is not answering "
                    + "right now. Nothing was charged and your cart is unchanged; please try again shortly.");
            undo(orderId, progress, failure);
            throw failure;
        }
        complete(orderId, userId, paymentId);
        return orders.order(userId, orderId).orElseThrow();
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
                case DONE -> {
                }
            }
        } catch (CalleeFailed e) {
            // Its lease runs out again and the next round tries again.
            log.warn("checkout {} could not be resumed yet: {}", saga.id(), e.getMessage());
        }
    }

    private UUID place(UUID orderId, UUID userId, CheckoutRequest request, Progress progress) {
        Cart cart = calls.cart(userId.toString());
        if (cart.getItemsCount() == 0) {
            throw new CheckoutFailed(409, "Your cart is empty: add something before checking out.");
        }
        progress.service = "catalog";
        GetProductsResponse products = calls.products(quantities(cart).keySet());
        String currency = currency(products);
        List<OrderLine> lines = lines(cart, products);
        long itemsCents = lines.stream().mapToLong(OrderLine::lineCents).sum();
        orders.priced(orderId, lines, itemsCents, currency);

        progress.service = "inventory";
        progress.reserveTried = true;
        reserve(orderId, lines);

        progress.service = "shipping";
        QuoteResponse quote = quote(request, lines, currency);

        progress.service = "payment";
        progress.authorizeTried = true;
        Payment payment = authorize(orderId, userId, request.payment(), itemsCents + quote.getCostCents(), currency);
        UUID paymentId = UUID.fromString(payment.getPaymentId());
        if (!orders.place(orderId, quote.getCostCents(), quote.getCarrier(), paymentId, payment.getCardBrand(),
                payment.getCardLast4(), properties.sagaLease())) {
            // Took so long that the recovery job gave the checkout up; its failure stands.
            throw new CheckoutFailed(503, "The checkout took too long and was cancelled. Nothing was charged.");
        }
        return paymentId;
    }

    /** Product ids and their quantities, in the cart's order. */
    private static Map<Long, Integer> quantities(Cart cart) {
        return cart.getItemsList().stream().collect(Collectors.toMap(CartItem::getProductId, CartItem::getQuantity,
                Integer::sum, LinkedHashMap::new));
    }

    /** Every line at the catalog's price now: nothing the shopper sent is trusted for money. */
    private static List<OrderLine> lines(Cart cart, GetProductsResponse products) {
        if (products.getMissingIdsCount() > 0) {
            throw new CheckoutFailed(409, "Some products in your cart are no longer sold (product "
                    + products.getMissingIdsList().stream().map(String::valueOf).collect(Collectors.joining(", "))
                    + "). Remove them from your cart and try again.");
        }
        Map<Long, Integer> quantities = quantities(cart);
        return products.getProductsList().stream()
                .map(product -> new OrderLine(product.getId(), product.getSku(), product.getName(),
                        quantities.get(product.getId()), product.getPriceCents(), product.getWeightGrams()))
                .toList();
    }

    private static String currency(GetProductsResponse products) {
        List<String> currencies = products.getProductsList().stream().map(p -> p.getCurrency()).distinct().toList();
        if (currencies.size() != 1) {
            throw new CheckoutFailed(409, "Your cart mixes currencies (" + String.join(", ", currencies)
                    + "); one order can be paid in one currency only.");
        }
        return currencies.get(0);
    }

    private void reserve(UUID orderId, List<OrderLine> lines) {
        ReserveRequest.Builder request = ReserveRequest.newBuilder().setOrderId(orderId.toString());
        lines.forEach(line -> request.addItems(Item.newBuilder().setSku(line.sku()).setQuantity(line.quantity())));
        try {
            calls.reserve(request.build());
        } catch (CalleeFailed e) {
            Status.Code code = Status.fromThrowable(e).getCode();
            if (code != Status.Code.FAILED_PRECONDITION && code != Status.Code.NOT_FOUND) {
                throw e;
            }
            String shortOf = lines.stream()
                    .filter(line -> String.valueOf(Status.fromThrowable(e).getDescription()).contains(line.sku()))
                    .map(OrderLine::name)
                    .collect(Collectors.joining(", "));
            throw new CheckoutFailed(409, "Not enough stock" + (shortOf.isEmpty() ? "" : " of " + shortOf)
                    + " for your order. Lower the quantity or remove it, then try again.");
        }
    }

    private QuoteResponse quote(CheckoutRequest request, List<OrderLine> lines, String currency) {
        var address = request.shippingAddress();
        QuoteRequest.Builder quote = QuoteRequest.newBuilder()
                .setAddress(shop.shipping.v1.Address.newBuilder()
                        .setLine1(address.line1())
                        .setLine2(address.line2() == null ? "" : address.line2())
                        .setCity(address.city())
                        .setPostalCode(address.postalCode())
                        .setCountry(address.country().toUpperCase()))
                .setCurrency(currency);
        lines.forEach(line -> quote.addItems(shop.shipping.v1.Item.newBuilder().setProductId(line.productId())
                .setQuantity(line.quantity()).setWeightGrams(line.weightGrams()).setPriceCents(line.unitPriceCents())));
        try {
            return calls.quote(quote.build());
        } catch (CalleeFailed e) {
            throw invalidArgument(e, "address.", "shippingAddress.");
        }
    }

    private Payment authorize(UUID orderId, UUID userId, CheckoutRequest.Card card, long amountCents, String currency) {
        AuthorizeRequest request = AuthorizeRequest.newBuilder()
                .setIdempotencyKey(authorizeKey(orderId))
                .setOrderId(orderId.toString())
                .setUserId(userId.toString())
                .setAmountCents(amountCents)
                .setCurrency(currency)
                .setCard(shop.payment.v1.Card.newBuilder().setNumber(card.digits()).setExpMonth(card.expMonth())
                        .setExpYear(card.expYear()).setCvc(card.cvc()))
                .build();
        Payment payment;
        try {
            payment = calls.authorize(request);
        } catch (CalleeFailed e) {
            throw invalidArgument(e, "card.", "payment.");
        }
        if (payment.getStatus() == PaymentStatus.DECLINED) {
            throw new CheckoutFailed(402, "insufficient_funds".equals(payment.getDeclineReason())
                    ? "The card was declined for insufficient funds. Nothing was charged; try another card."
                    : "The card was declined. Nothing was charged; try another card.");
        }
        return payment;
    }

    /**
     * A callee's INVALID_ARGUMENT ("card.cvc: must be 3 digits") as a 400 naming the field as
     * the shopper sent it (payment.cvc); any other failure goes on as it was.
     */
    private static RuntimeException invalidArgument(CalleeFailed e, String calleePrefix, String ourPrefix) {
        String description = String.valueOf(Status.fromThrowable(e).getDescription());
        int colon = description.indexOf(": ");
        if (Status.fromThrowable(e).getCode() != Status.Code.INVALID_ARGUMENT || colon < 0
                || !description.startsWith(calleePrefix)) {
            return e;
        }
        String field = FIELD_NAMES.getOrDefault(description.substring(0, colon),
                ourPrefix + description.substring(calleePrefix.length(), colon));
        return new CheckoutFailed(400, "Invalid " + field + ": " + description.substring(colon + 2) + ".", field);
    }

    /** Payment's names for card fields that the checkout request spells differently. */
    private static final Map<String, String> FIELD_NAMES = Map.of(
            "card.number", "payment.cardNumber",
            "card.exp", "payment.expYear",
            "address.postal_code", "shippingAddress.postalCode");

    /** After the order is stored: take the money, sell the stock, empty the cart. Each step is idempotent. */
    private void complete(UUID orderId, UUID userId, UUID paymentId) {
        try {
            calls.capture(orderId + ":capture", paymentId.toString());
            try {
                calls.commit(orderId.toString());
            } catch (CalleeFailed e) {
                if (Status.fromThrowable(e).getCode() != Status.Code.FAILED_PRECONDITION) {
                    throw e;
                }
                // The hold expired before the order was finished: it is paid, so it is not undone here.
                log.error("order {} is paid but its stock reservation had lapsed: {}", orderId,
                        Status.fromThrowable(e).getDescription());
            }
            calls.clearCart(userId.toString());
            orders.confirmed(orderId);
        } catch (CalleeFailed e) {
            log.warn("order {} is placed; finishing it later: {}", orderId, e.getMessage());
        }
    }

    /** Gives back what a failed checkout took, as far as the services answer. */
    private void undo(UUID orderId, Progress progress, CheckoutFailed failure) {
        boolean undone = true;
        try {
            if (progress.reserveTried) {
                calls.release(orderId.toString());
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
        calls.release(orderId.toString());
        voidAuthorization(orderId);
    }

    private void voidAuthorization(UUID orderId) {
        calls.authorization(authorizeKey(orderId))
                .filter(payment -> payment.getStatus() == PaymentStatus.AUTHORIZED)
                .ifPresent(payment -> calls.voidPayment(orderId + ":void", payment.getPaymentId()));
    }

    private static String authorizeKey(UUID orderId) {
        return orderId + ":authorize";
    }

    /** The first answer for this key, once the checkout that holds it has one. */
    private Order replay(UUID userId, String idempotencyKey, String digest) {
        Instant giveUp = Instant.now().plus(properties.duplicateWait());
        while (true) {
            SagaState saga = orders.byKey(userId, idempotencyKey).orElseThrow();
            if (!saga.requestDigest().equals(digest)) {
                throw new CheckoutFailed(422, "This Idempotency-Key was already used for a different checkout. "
                        + "Send a new key for a new checkout.", "Idempotency-Key");
            }
            if ("FAILED".equals(saga.status())) {
                throw new CheckoutFailed(saga.problemStatus(), saga.problemDetail(), saga.problemField());
            }
            if (saga.step() != OrderStore.Step.NEW) {
                return orders.order(userId, saga.id()).orElseThrow();
            }
            if (Instant.now().isAfter(giveUp)) {
                throw new CheckoutFailed(409, "A checkout with this Idempotency-Key is still in progress. "
                        + "Ask again in a moment for its result.");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CheckoutFailed(503, "Interrupted while waiting for the checkout with this key.");
            }
        }
    }

    /** Tells apart two requests under one key by what they ask for, without keeping the card number. */
    private static String digest(CheckoutRequest request) {
        CheckoutRequest.Card card = request.payment();
        String digits = card.digits();
        String fingerprint = request.shippingAddress() + "|" + digits.substring(Math.max(0, digits.length() - 4))
                + "|" + card.expMonth() + "/" + card.expYear();
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(fingerprint.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
