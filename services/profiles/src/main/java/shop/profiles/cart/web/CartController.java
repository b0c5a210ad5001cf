package shop.profiles.cart.web;

import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import shop.profiles.cart.Carts;
import shop.profiles.cart.PricedCart;

/** The signed-in shopper's own cart; there is no way to name another shopper's. */
@RestController
class CartController {

    record QuantityChange(@NotNull @Min(0) @Max(Carts.MAX_QUANTITY) Integer quantity) {
    }

    private final PricedCart cart;
    private final Carts carts;

    CartController(PricedCart cart, Carts carts) {
        this.cart = cart;
        this.carts = carts;
    }

    @GetMapping("/api/profiles/me/cart")
    PricedCart.View cart(@AuthenticationPrincipal Jwt token) {
        return cart.view(accountId(token));
    }

    @PutMapping("/api/profiles/me/cart/items/{productId}")
    PricedCart.View setQuantity(@AuthenticationPrincipal Jwt token, @PathVariable long productId,
            @Valid @RequestBody QuantityChange change) {
        return cart.setQuantity(accountId(token), productId, change.quantity());
    }

    @DeleteMapping("/api/profiles/me/cart")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void clear(@AuthenticationPrincipal Jwt token) {
        carts.clear(accountId(token));
    }

    private static UUID accountId(Jwt token) {
        return UUID.fromString(token.getSubject());
    }
}
