package shop.profiles.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import shop.testing.ApiClient;
import shop.testing.FreshBroker;
import shop.testing.FreshDatabase;

/**
 * Guessing passwords over real HTTP: an account, or a client address (as the gateway forwards it),
 * is locked after a few failures, with 429 and Retry-After, and the right password works again once
 * that time has passed. A short first lock keeps the test quick.
 */
@FreshDatabase
@FreshBroker
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "eureka.client.enabled=false", "shop.profiles.admin-password=admin-secret-1",
        "shop.profiles.login.lockout=2s", "shop.profiles.login.max-failures-per-address=8"})
class LoginThrottleTest {

    @LocalServerPort
    int port;

    ApiClient api;

    @BeforeEach
    void connect() {
        api = new ApiClient("http://127.0.0.1:" + port);
    }

    @Test
    void thirtyWrongPasswordsAreThrottledAndTheRightOneWorksAfterRetryAfter() throws Exception {
        ApiClient client = register("dora@example.com").withHeader("X-Forwarded-For", "198.51.100.1");
        List<Integer> statuses = new ArrayList<>();
        ApiClient.Response last = null;
        for (int i = 0; i < 30; i++) {
            last = client.post("/api/profiles/login", Map.of("email", "dora@example.com", "password", "wrong " + i));
            statuses.add(last.status());
        }
        assertThat(statuses.subList(0, 5)).containsOnly(401);
        assertThat(statuses.subList(5, 30)).containsOnly(429);
        last.assertProblem(429);
        int retryAfter = Integer.parseInt(last.header("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1, 2);
        assertThat(login(client, "dora@example.com", "the right one").status())
                .as("locked for the right password too").isEqualTo(429);

        Thread.sleep(retryAfter * 1000L + 100);
        assertThat(login(client, "dora@example.com", "the right one").status()).isEqualTo(200);
    }

    @Test
    void manyAccountsGuessedFromOneAddressLockThatAddressOnly() {
        ApiClient guesser = api.withHeader("X-Forwarded-For", "203.0.113.9");
        for (int i = 0; i < 8; i++) {
            assertThat(login(guesser, "nobody-" + i + "@example.com", "guess").status()).isEqualTo(401);
        }
        login(guesser, "nobody-9@example.com", "guess").assertProblem(429);
        register("eve@example.com");
        assertThat(login(guesser, "eve@example.com", "the right one").status()).as("the address is locked").isEqualTo(429);
        assertThat(login(api.withHeader("X-Forwarded-For", "192.0.2.7"), "eve@example.com", "the right one").status())
                .as("from elsewhere").isEqualTo(200);
    }

    private ApiClient register(String email) {
        assertThat(api.post("/api/profiles/register", Map.of("email", email, "password", "the right one", "name", "Shopper"))
                .status()).isEqualTo(201);
        return api;
    }

    private static ApiClient.Response login(ApiClient client, String email, String password) {
        return client.post("/api/profiles/login", Map.of("email", email, "password", password));
    }
}
