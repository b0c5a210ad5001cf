package shop.payment.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import shop.testing.ApiClient;
import shop.testing.FreshDatabase;

/** Payment's HTTP port: health for anyone, metrics for the stack's Prometheus alone, nothing else. */
@FreshDatabase
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"eureka.client.enabled=false", "spring.grpc.server.enabled=false", "METRICS_PASSWORD=scrape-me"})
class HttpPortTest {

    @LocalServerPort
    int port;

    @Test
    void healthForAnyoneMetricsForPrometheusAloneNothingElse() {
        ApiClient anyone = new ApiClient("http://127.0.0.1:" + port);
        assertThat(anyone.get("/actuator/health").status()).isEqualTo(200);
        assertThat(anyone.get("/actuator/prometheus").status()).isEqualTo(401);
        assertThat(anyone.get("/actuator/env").status()).isIn(401, 403, 404);
        assertThat(anyone.get("/payments").status()).isIn(401, 403);

        ApiClient prometheus = anyone.withHeader("Authorization",
                "Basic " + Base64.getEncoder().encodeToString("prometheus:scrape-me".getBytes(StandardCharsets.UTF_8)));
        ApiClient.Response metrics = prometheus.get("/actuator/prometheus");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("hikaricp_connections_acquire_seconds_count");
    }
}
