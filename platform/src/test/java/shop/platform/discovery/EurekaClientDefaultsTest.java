package shop.platform.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.mock.env.MockEnvironment;

/** The Eureka settings every service registers with, and a service's own settings above them. */
class EurekaClientDefaultsTest {

    @Test
    void aServiceRegistersWithTheShopsSettingsAndAdvertisesItsGrpcPort() {
        MockEnvironment environment = service(Map.of("spring.grpc.server.port", "9081"));

        assertThat(environment.getProperty("eureka.client.registry-fetch-interval-seconds")).isEqualTo("5");
        assertThat(environment.getProperty("eureka.instance.lease-renewal-interval-in-seconds")).isEqualTo("5");
        assertThat(environment.getProperty("eureka.instance.lease-expiration-duration-in-seconds")).isEqualTo("15");
        assertThat(environment.getProperty("eureka.instance.prefer-ip-address")).isEqualTo("true");
        assertThat(environment.getProperty("eureka.instance.metadata-map.grpc-port")).isEqualTo("9081");
    }

    @Test
    void eurekaAndTheRegisteredAddressComeFromTheEnvironmentElseLoopback() {
        MockEnvironment onLoopback = service(Map.of("EUREKA_PASSWORD", "s3cret"));
        assertThat(onLoopback.getProperty("eureka.client.service-url.defaultZone"))
                .isEqualTo("http://eureka:s3cret@localhost:8761/eureka/");
        assertThat(onLoopback.getProperty("eureka.instance.ip-address")).isEqualTo("127.0.0.1");
        assertThat(onLoopback.getProperty("server.address")).isEqualTo("127.0.0.1");
        assertThat(onLoopback.getProperty("spring.grpc.server.host")).isEqualTo("127.0.0.1");

        MockEnvironment inAContainer = service(Map.of("EUREKA_URL", "http://eureka:s3cret@discovery:8761/eureka/",
                "INSTANCE_IP", "10.88.0.7", "BIND_ADDRESS", "0.0.0.0"));
        assertThat(inAContainer.getProperty("eureka.client.service-url.defaultZone"))
                .isEqualTo("http://eureka:s3cret@discovery:8761/eureka/");
        assertThat(inAContainer.getProperty("eureka.instance.ip-address")).isEqualTo("10.88.0.7");
        assertThat(inAContainer.getProperty("server.address")).isEqualTo("0.0.0.0");
    }

    @Test
    void withoutTheEurekaPasswordTheDefaultAddressNamesIt() {
        MockEnvironment environment = service(Map.of());
        assertThatThrownBy(() -> environment.getProperty("eureka.client.service-url.defaultZone"))
                .hasMessageContaining("EUREKA_PASSWORD");
    }

    @Test
    void aServiceKeepsWhatItSetsItselfAndAdvertisesNoGrpcPortItDoesNotHave() {
        MockEnvironment environment = service(Map.of("eureka.client.registry-fetch-interval-seconds", "30"));

        assertThat(environment.getProperty("eureka.client.registry-fetch-interval-seconds")).isEqualTo("30");
        assertThat(environment.containsProperty("eureka.instance.metadata-map.grpc-port")).isFalse();
    }

    /** The environment of a service whose own configuration holds these properties, and nothing of this machine's. */
    private static MockEnvironment service(Map<String, Object> ownConfiguration) {
        MockEnvironment environment = new MockEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("service", ownConfiguration));
        new EurekaClientDefaults().postProcessEnvironment(environment, new SpringApplication());
        return environment;
    }
}
