package shop.profiles.token;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import shop.profiles.account.Accounts;

/** Login, and the public keys that let every service check the tokens it issues. */
@RestController
class TokenController {

    record Credentials(@NotBlank @Size(max = 254) String email, @NotBlank @Size(max = 128) String password) {
    }

    private final Accounts accounts;
    private final TokenIssuer issuer;
    private final SigningKeys keys;
    private final LoginThrottle throttle;

    TokenController(Accounts accounts, TokenIssuer issuer, SigningKeys keys, LoginThrottle throttle) {
        this.accounts = accounts;
        this.issuer = issuer;
        this.keys = keys;
        this.throttle = throttle;
    }

    /**
     * A throttled account or address is answered 429 with Retry-After before the password is
     * checked; the client's address is the gateway's X-Forwarded-For (server.forward-headers-strategy).
     */
    @PostMapping("/api/profiles/login")
    TokenIssuer.IssuedToken login(@Valid @RequestBody Credentials credentials, HttpServletRequest request) {
        Instant now = Instant.now();
        String address = request.getRemoteAddr();
        throttle.retryAfter(credentials.email(), address, now).ifPresent(wait -> {
            ErrorResponseException refused = new ErrorResponseException(HttpStatus.TOO_MANY_REQUESTS);
            refused.setDetail("Too many failed logins; try again later.");
            refused.getHeaders().set(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, (wait.toMillis() + 999) / 1000)));
            throw refused;
        });
        Optional<TokenIssuer.IssuedToken> token = accounts.authenticate(credentials.email(), credentials.password())
                .map(issuer::issue);
        if (token.isEmpty()) {
            throttle.failed(credentials.email(), address, now);
            // One message for both cases: saying which was wrong would confirm that an email has an account.
            throw new ResponseStatusException(HttpStatus.UNAUTHORIZED, "Email or password is wrong.");
        }
        throttle.succeeded(credentials.email());
        return token.get();
    }

    @GetMapping("/.well-known/jwks.json")
    Map<String, Object> jwks() {
        return keys.publicKeys().toJSONObject(true);
    }
}
