package shop.profiles.account.web;

import java.time.Instant;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import shop.profiles.account.Account;
import shop.profiles.account.Accounts;
import shop.profiles.account.Address;

@RestController
class AccountController {

    record Registration(@NotBlank @Email @Size(max = 254) String email,
            @NotBlank @Size(min = 8, max = 128) String password,
            @NotBlank @Size(max = 100) String name) {
    }

    record Registered(UUID id, String email, String name) {
    }

    record ProfileUpdate(@NotBlank @Size(max = 100) String name, @Valid Address address) {
    }

    /** {@code orderCount} and {@code lastOrderAt} (null before the first order) follow order.placed. */
    record Profile(UUID id, String email, String name, String role, Address address, int orderCount,
            Instant lastOrderAt) {

        static Profile of(Account account) {
            return new Profile(account.getId(), account.getEmail(), account.getName(), account.getRole().name(),
                    account.getAddress(), account.getOrderCount(), account.getLastOrderAt());
        }
    }

    private final Accounts accounts;

    AccountController(Accounts accounts) {
        this.accounts = accounts;
    }

    @PostMapping("/api/profiles/register")
    @ResponseStatus(HttpStatus.CREATED)
    Registered register(@Valid @RequestBody Registration registration) {
        Account account = accounts.register(registration.email(), registration.password(), registration.name());
        return new Registered(account.getId(), account.getEmail(), account.getName());
    }

    @GetMapping("/api/profiles/me")
    Profile me(@AuthenticationPrincipal Jwt token) {
        return accounts.find(UUID.fromString(token.getSubject())).map(Profile::of)
                // A valid token for a deleted account: the front-end signs the shopper out on 401.
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.UNAUTHORIZED, "This account no longer exists."));
    }

    @PutMapping("/api/profiles/me")
    Profile update(@AuthenticationPrincipal Jwt token, @Valid @RequestBody ProfileUpdate update) {
        return Profile.of(accounts.update(UUID.fromString(token.getSubject()), update.name(), update.address()));
    }
}
