package shop.profiles.token;

import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
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

    TokenController(Accounts accounts, TokenIssuer issuer, SigningKeys keys) {
        this.accounts = accounts;
        this.issuer = issuer;
        this.keys = keys;
    }

    @PostMapping("/api/profiles/login")
    TokenIssuer.IssuedToken login(@Valid @RequestBody Credentials credentials) {
        return accounts.authenticate(credentials.email(), credentials.password())
                .map(issuer::issue)
                // One message for both cases: saying which was wrong would confirm that an email has an account.
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.UNAUTHORIZED, "Email or password is wrong."));
    }

    @GetMapping("/.well-known/jwks.json")
    Map<String, Object> jwks() {
        return keys.publicKeys().toJSONObject(true);
    }
}
