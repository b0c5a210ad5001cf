package shop.profiles.token;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Slows down guessing passwords, by account (one shopper's password) and by client address (many
 * accounts from one place), without slowing a correct login: a refused attempt is answered before
 * its password is hashed, so a flood of guesses costs no BCrypt either.
 *
 * <p>Each key counts its failures within {@code window}; at {@code maxFailures} it is locked for
 * {@code lockout}, doubled with each lock it earns again within the window (at most {@code maxLockout}). A correct
 * login clears its account's count, not its address's. Counts live in this instance's memory, so
 * with N replicas a guesser gets up to N times as many tries; they are lost on restart.
 */
@Component
class LoginThrottle {

    /**
     * @param maxFailuresPerAccount failures on one account within the window before it is locked
     * @param maxFailuresPerAddress failures from one client address within the window before it is locked
     * @param window how long a failure counts
     * @param lockout the first lock; each later one within the window twice the last
     * @param maxLockout the longest lock
     */
    @ConfigurationProperties("shop.profiles.login")
    record Settings(int maxFailuresPerAccount, int maxFailuresPerAddress, Duration window, Duration lockout,
            Duration maxLockout) {
    }

    /** Failures since {@code since}, the locks earned, and until when the key is locked. */
    private record Failures(int count, Instant since, int locks, Instant lockedUntil) {
    }

    /** Past this many keys, forgotten ones (window over, not locked) are swept on the next failure. */
    private static final int SWEEP_AT = 10_000;

    private final Settings settings;
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    LoginThrottle(Settings settings) {
        this.settings = settings;
    }

    /** How long to wait when the account or the address is locked now, else empty. */
    Optional<Duration> retryAfter(String email, String address, Instant now) {
        Instant until = later(lockedUntil(accountKey(email)), lockedUntil(addressKey(address)));
        return until != null && until.isAfter(now) ? Optional.of(Duration.between(now, until)) : Optional.empty();
    }

    void failed(String email, String address, Instant now) {
        count(accountKey(email), settings.maxFailuresPerAccount(), now);
        count(addressKey(address), settings.maxFailuresPerAddress(), now);
        if (failures.size() > SWEEP_AT) {
            failures.values().removeIf(f -> f.since().plus(settings.window()).isBefore(now)
                    && (f.lockedUntil() == null || f.lockedUntil().isBefore(now)));
        }
    }

    void succeeded(String email) {
        failures.remove(accountKey(email));
    }

    private void count(String key, int max, Instant now) {
        failures.compute(key, (k, f) -> {
            if (f == null || f.since().plus(settings.window()).isBefore(now)) {
                f = new Failures(0, now, 0, null);
            }
            int count = f.count() + 1;
            if (count < max) {
                return new Failures(count, f.since(), f.locks(), f.lockedUntil());
            }
            Duration lock = settings.lockout().multipliedBy(1L << Math.min(f.locks(), 20));
            lock = lock.compareTo(settings.maxLockout()) > 0 ? settings.maxLockout() : lock;
            // The count starts again once locked: the next lock comes after as many failures, and lasts longer.
            return new Failures(0, now, f.locks() + 1, now.plus(lock));
        });
    }

    private Instant lockedUntil(String key) {
        Failures f = failures.get(key);
        return f == null ? null : f.lockedUntil();
    }

    private static Instant later(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }

    private static String accountKey(String email) {
        return "account:" + email.strip().toLowerCase(Locale.ROOT);
    }

    private static String addressKey(String address) {
        return "address:" + address;
    }
}
