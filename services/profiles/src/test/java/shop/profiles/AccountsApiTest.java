package shop.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.ParseException;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import shop.testing.ApiClient;
import shop.testing.FreshBroker;
import shop.testing.FreshDatabase;
import shop.testing.OpenApiContract;
import tools.jackson.databind.JsonNode;

/** Signing up, logging in and the profile, over real HTTP against a real PostgreSQL. */
@FreshDatabase
@FreshBroker
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"eureka.client.enabled=false", "shop.profiles.admin-password=admin-secret-1"})
class AccountsApiTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    ApiClient api;

    @BeforeEach
    void connect() {
        api = new ApiClient("http://127.0.0.1:" + port);
    }

    @Test
    void registersLogsInAndReadsOwnProfile() {
        ApiClient.Response registered = register("ann@example.com", "correct horse", "Ann");
        assertThat(registered.status()).isEqualTo(201);
        assertThat(registered.json().get("email").asString()).isEqualTo("ann@example.com");
        assertThat(registered.json().has("password")).isFalse();

        ApiClient.Response login = api.post("/api/profiles/login", Map.of("email", "ann@example.com", "password", "correct horse"));
        assertThat(login.status()).isEqualTo(200);
        assertThat(login.json().get("expiresAt").asString()).isNotBlank();

        JsonNode me = api.withToken(login.json().get("token").asString()).get("/api/profiles/me").json();
        assertThat(me.get("id").asString()).isEqualTo(registered.json().get("id").asString());
        assertThat(me.get("name").asString()).isEqualTo("Ann");
        assertThat(me.get("role").asString()).isEqualTo("SHOPPER");
    }

    @Test
    void passwordsAreStoredOnlyAsBcryptHashes() {
        register("bob@example.com", "bobs password", "Bob");
        String hash = jdbc.sql("select password_hash from account where email = 'bob@example.com'")
                .query(String.class).single();
        assertThat(hash).startsWith("$2").doesNotContain("bobs password");
    }

    @Test
    void emailIsTakenWhateverItsCase() {
        register("cleo@example.com", "cleos password", "Cleo");
        ApiClient.Response again = register("Cleo@Example.COM", "another password", "Cleo Two");
        again.assertProblem(409);
        assertThat(jdbc.sql("select count(*) from account where lower(email) = 'cleo@example.com'")
                .query(Long.class).single()).isOne();
    }

    @Test
    void badRegistrationsNameTheirFields() {
        register("not-an-email", "long enough", "Dan").assertBadField("email");
        register("dan@example.com", "short", "Dan").assertBadField("password");
        register("dan@example.com", "long enough", " ").assertBadField("name");
        api.post("/api/profiles/register", "{\"email\": ").assertProblem(400);
        api.post("/api/profiles/register", Map.of()).assertBadField("email");
        assertThat(jdbc.sql("select count(*) from account where email like 'dan@%'").query(Long.class).single()).isZero();
    }

    @Test
    void wrongPasswordAndUnknownEmailAreTheSame401() {
        register("eve@example.com", "eves password", "Eve");
        ApiClient.Response wrongPassword = api.post("/api/profiles/login",
                Map.of("email", "eve@example.com", "password", "not it at all")).assertProblem(401);
        ApiClient.Response unknownEmail = api.post("/api/profiles/login",
                Map.of("email", "nobody@example.com", "password", "not it at all")).assertProblem(401);
        assertThat(wrongPassword.json().get("detail")).isEqualTo(unknownEmail.json().get("detail"));
    }

    @Test
    void profileNeedsAValidToken() {
        api.get("/api/profiles/me").assertProblem(401);
        api.withToken("not.a.token").get("/api/profiles/me").assertProblem(401);
        String token = login(register("fay@example.com", "fays password", "Fay"), "fays password");
        String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
        api.withToken(tampered).get("/api/profiles/me").assertProblem(401);
    }

    @Test
    void updatesNameAndAddressAndRejectsABadCountry() {
        String token = login(register("gus@example.com", "guss password", "Gus"), "guss password");
        ApiClient me = api.withToken(token);
        Map<String, Object> address = Map.of("line1", "1 Main St", "city", "Springfield", "postalCode", "12345",
                "country", "US");
        ApiClient.Response updated = me.put("/api/profiles/me", Map.of("name", "Gus G.", "address", address));
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(me.get("/api/profiles/me").json().get("address").get("city").asString()).isEqualTo("Springfield");

        me.put("/api/profiles/me", Map.of("name", "Gus", "address", Map.of("line1", "1 Main St", "city", "X",
                "postalCode", "1", "country", "USA"))).assertBadField("address.country");
        assertThat(me.get("/api/profiles/me").json().get("name").asString()).isEqualTo("Gus G.");
    }

    @Test
    void tokensAreRs256AndVerifyAgainstThePublishedJwks() throws ParseException, JOSEException {
        String token = login(register("hal@example.com", "hals password", "Hal"), "hals password");
        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("RS256");
        JWKSet jwks = JWKSet.parse(api.get("/.well-known/jwks.json").body());
        RSAKey key = (RSAKey) jwks.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(key).isNotNull();
        assertThat(key.isPrivate()).isFalse();
        assertThat(jwt.verify(new RSASSAVerifier(key))).isTrue();
        assertThat(jwt.getJWTClaimsSet().getStringListClaim("roles")).isEqualTo(List.of("SHOPPER"));
        assertThat(jwt.getJWTClaimsSet().getAudience()).as("meant for the shop's API").containsExactly("shop");
    }

    @Test
    void adminAccountExistsFromConfigurationWithTheAdminRole() throws ParseException {
        ApiClient.Response login = api.post("/api/profiles/login",
                Map.of("email", "admin@shop.local", "password", "admin-secret-1"));
        assertThat(login.status()).isEqualTo(200);
        SignedJWT jwt = SignedJWT.parse(login.json().get("token").asString());
        assertThat(jwt.getJWTClaimsSet().getStringListClaim("roles")).isEqualTo(List.of("ADMIN"));
    }

    private ApiClient.Response register(String email, String password, String name) {
        return api.post("/api/profiles/register", Map.of("email", email, "password", password, "name", name));
    }

    private String login(ApiClient.Response registered, String password) {
        ApiClient.Response login = api.post("/api/profiles/login",
                Map.of("email", registered.json().get("email").asString(), "password", password));
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        return login.json().get("token").asString();
    }

    @Test
    void thePublicApiKeepsItsReleasedContract() {
        OpenApiContract.assertKeepsItsRelease("profiles", api);
    }
}
