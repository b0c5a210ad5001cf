package shop.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The registry only answers the stack's Eureka account: nobody else can add, read or delete instances. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"EUREKA_USER=eureka", "EUREKA_PASSWORD=" + DiscoverySecurityTest.PASSWORD})
class DiscoverySecurityTest {

    static final String PASSWORD = "test-Eureka-7f3a";
    private static final String FAKE_PAYMENT = """
            {"instance":{"instanceId":"evil:payment","hostName":"203.0.113.7","app":"PAYMENT",
             "ipAddr":"203.0.113.7","status":"UP","port":{"$":8084,"@enabled":"true"},
             "dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"}}}
            """;

    @LocalServerPort
    int port;
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void anonymousRegistrationReadsRenewalsAndDeletionsAreRefused() throws Exception {
        assertThat(send(register(), null)).isEqualTo(401);
        assertThat(send(get("/eureka/apps"), null)).isEqualTo(401);
        assertThat(send(request("/eureka/apps/PAYMENT/evil:payment").PUT(HttpRequest.BodyPublishers.noBody()), null))
                .isEqualTo(401);
        assertThat(send(request("/eureka/apps/PAYMENT/evil:payment").DELETE(), null)).isEqualTo(401);
        assertThat(send(get("/"), null)).as("the dashboard").isEqualTo(401);
    }

    @Test
    void aWrongPasswordIsRefused() throws Exception {
        assertThat(send(register(), "eureka:" + PASSWORD + "x")).isEqualTo(401);
        assertThat(send(get("/eureka/apps"), "someone:" + PASSWORD)).isEqualTo(401);
    }

    @Test
    void theStacksAccountRegistersReadsAndDeletes() throws Exception {
        String account = "eureka:" + PASSWORD;
        assertThat(send(register(), account)).isEqualTo(204);
        HttpResponse<String> apps = http.send(get("/eureka/apps/PAYMENT").header("Accept", "application/json")
                .header("Authorization", basic(account)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(apps.statusCode()).isEqualTo(200);
        assertThat(apps.body()).contains("evil:payment");
        assertThat(send(request("/eureka/apps/PAYMENT/evil:payment").DELETE(), account)).isEqualTo(200);
    }

    @Test
    void theHealthStatusIsPublicForTheContainersHealthCheck() throws Exception {
        assertThat(send(get("/actuator/health"), null)).isEqualTo(200);
        assertThat(send(get("/actuator/info"), null)).isEqualTo(401);
    }

    private HttpRequest.Builder register() {
        return request("/eureka/apps/PAYMENT").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(FAKE_PAYMENT));
    }

    private HttpRequest.Builder get(String path) {
        return request(path).GET();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    }

    private int send(HttpRequest.Builder request, String account) throws Exception {
        if (account != null) {
            request.header("Authorization", basic(account));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String basic(String account) {
        return "Basic " + Base64.getEncoder().encodeToString(account.getBytes(StandardCharsets.UTF_8));
    }
}
