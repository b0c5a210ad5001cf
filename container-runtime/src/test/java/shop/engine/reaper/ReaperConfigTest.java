package shop.engine.reaper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reaper's settings under Ryuk's variable names: no root needed. */
class ReaperConfigTest {

    @Test
    void settingsComeFromRyuksVariablesWithRyuksDefaults() {
        ReaperConfig defaults = ReaperConfig.fromEnvironment(Map.of());
        assertThat(defaults.listen().getPort()).isEqualTo(8080);
        assertThat(defaults.listen().getAddress().isAnyLocalAddress()).isTrue();
        assertThat(defaults.connectionTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(defaults.reconnectionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.removeRetries()).isEqualTo(10);

        ReaperConfig tuned = ReaperConfig.fromEnvironment(Map.of("RYUK_PORT", "9090", "RYUK_CONNECTION_TIMEOUT", "2m",
                "RYUK_RECONNECTION_TIMEOUT", "1m30s", "RYUK_REMOVE_RETRIES", "3"));
        assertThat(tuned.listen().getPort()).isEqualTo(9090);
        assertThat(tuned.connectionTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(tuned.reconnectionTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(tuned.removeRetries()).isEqualTo(3);
    }

    @Test
    void aSettingThatDoesNotParseIsRefusedByName() {
        assertThatThrownBy(() -> ReaperConfig.fromEnvironment(Map.of("RYUK_RECONNECTION_TIMEOUT", "10")))
                .hasMessageStartingWith("RYUK_RECONNECTION_TIMEOUT: invalid duration '10'");
        assertThatThrownBy(() -> ReaperConfig.fromEnvironment(Map.of("RYUK_PORT", "80800")))
                .hasMessage("RYUK_PORT: \"80800\" is not a number from 0 to 65535");
    }
}
