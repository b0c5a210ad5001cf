package shop.platform.database;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

/** Every replica's pool is small enough that a deploy's second set of replicas still gets connections. */
class DataSourceDefaultsTest {

    @Test
    void aServiceGetsFiveConnectionsUnlessItSaysOtherwise() {
        MockEnvironment plain = new MockEnvironment();
        new DataSourceDefaults().postProcessEnvironment(plain, new SpringApplication());
        assertThat(plain.getProperty(DataSourceDefaults.POOL_SIZE)).isEqualTo("5");

        MockEnvironment ownSize = new MockEnvironment().withProperty(DataSourceDefaults.POOL_SIZE, "12");
        new DataSourceDefaults().postProcessEnvironment(ownSize, new SpringApplication());
        assertThat(ownSize.getProperty(DataSourceDefaults.POOL_SIZE)).isEqualTo("12");
    }
}
