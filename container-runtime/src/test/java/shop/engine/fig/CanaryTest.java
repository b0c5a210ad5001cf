package shop.engine.fig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a release's replicas' figures are added up (the judging itself runs against the real stack in ShopStackTest). */
class CanaryTest {

    @Test
    void requestsAddUpErrorsAreWeighedByRequestsAndTheSlowestP99Counts() {
        Canary.Figures figures = Canary.figures(List.of("a", "b"), Map.of("a", 30.0, "b", 10.0, "old", 50.0),
                Map.of("a", 0.0, "b", 0.4, "old", 1.0), Map.of("a", 0.020, "b", 0.300, "old", 9.0));

        assertThat(figures.requestsPerSecond()).isEqualTo(40.0);
        assertThat(figures.errorRatio()).as("4 of 40 requests/s").isCloseTo(0.1, within(1e-9));
        assertThat(figures.p99Seconds()).isEqualTo(0.300);
        assertThat(figures).hasToString("40.0 req/s, 10.00% errors, p99 300 ms");
    }

    @Test
    void anInstanceWithNoRequestsInTheWindowCountsAsNone() {
        // Prometheus answers NaN for a ratio and a quantile over no requests, and nothing for an instance it never saw.
        Canary.Figures figures = Canary.figures(List.of("idle", "unseen"), Map.of("idle", 0.0),
                Map.of("idle", Double.NaN), Map.of("idle", Double.NaN));

        assertThat(figures.requestsPerSecond()).isZero();
        assertThat(figures.errorRatio()).isZero();
        assertThat(figures.p99Seconds()).isNaN();
        assertThat(figures).hasToString("0.0 req/s, 0.00% errors, p99 unknown");
    }
}
