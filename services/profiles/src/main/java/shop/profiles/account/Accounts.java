package shop.profiles.account;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.server.ResponseStatusException;
import shop.platform.events.EventRejected;

/** Signing up, checking a password, and keeping a profile up to date. */
@Service
@Transactional
public class Accounts {

    private final AccountRepository accounts;
    private final PasswordEncoder passwords;
    /** Compared against when the email is unknown, so a wrong email costs as long as a wrong password. */
    private final String decoyHash;

    Accounts(AccountRepository accounts, PasswordEncoder passwords) {
        this.accounts = accounts;
        this.passwords = passwords;
        this.decoyHash = passwords.encode(UUID.randomUUID().toString());
    }

    /** @throws ResponseStatusException 409 when an account already uses this email, in any case */
    public Account register(String email, String password, String name) {
        return create(email, password, name, Role.SHOPPER);
    }

    Account create(String email, String password, String name, Role role) {
        if (accounts.findByEmail(email).isPresent()) {
            throw emailTaken();
        }
        try {
            return accounts.saveAndFlush(new Account(email.strip(), passwords.encode(password), name.strip(), role));
        } catch (DataIntegrityViolationException e) {
            throw emailTaken(); // registered concurrently, between the check and the insert
        }
    }

    @Transactional(readOnly = true)
    public Optional<Account> authenticate(String email, String password) {
        Optional<Account> account = accounts.findByEmail(email);
        boolean matches = passwords.matches(password, account.map(Account::getPasswordHash).orElse(decoyHash));
        return matches ? account : Optional.empty();
    }

    @Transactional(readOnly = true)
    public Optional<Account> find(UUID id) {
        return accounts.findById(id);
    }

    @Transactional(readOnly = true)
    boolean exists(String email) {
        return accounts.findByEmail(email).isPresent();
    }

    public Account update(UUID id, String name, Address address) {
        Account account = accounts.findById(id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No such account."));
        account.update(name.strip(), address);
        return account;
    }

    /**
     * Counts an order placed by this account. Billing orders only for accounts this service
     * signed in, so an unknown one is an inconsistency for an operator: the event is rejected
     * into the dead letters rather than dropped.
     */
    public void recordOrder(UUID accountId, Instant placedAt) {
        if (accounts.recordOrder(accountId, placedAt) == 0) {
            throw new EventRejected("no account " + accountId + " in profiles");
        }
    }

    private static ResponseStatusException emailTaken() {
        return new ResponseStatusException(HttpStatus.CONFLICT, "An account with this email already exists.");
    }
}
