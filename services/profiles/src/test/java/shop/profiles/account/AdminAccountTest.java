package shop.profiles.account;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;
import shop.profiles.ProfilesProperties;
import shop.testing.FreshBroker;
import shop.testing.FreshDatabase;

/** The admin account comes from SHOP_ADMIN_PASSWORD, and its password never reaches the log. */
@FreshDatabase
@FreshBroker
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(properties = {"eureka.client.enabled=false", "shop.profiles.admin-email=root@shop.test"})
@TestPropertySource(properties = "shop.profiles.admin-password=" + AdminAccountTest.PASSWORD)
class AdminAccountTest {

    static final String PASSWORD = "Adm1n-Pa55-4f9c";

    @Autowired
    Accounts accounts;

    @Autowired
    ProfilesProperties properties;

    @Test
    void theConfiguredPasswordSignsTheAdminInAndIsNeverLogged(CapturedOutput output) {
        assertThat(accounts.authenticate("root@shop.test", PASSWORD))
                .hasValueSatisfying(admin -> assertThat(admin.getRole()).isEqualTo(Role.ADMIN));
        assertThat(output.getAll()).contains("Created the ADMIN account root@shop.test").doesNotContain(PASSWORD);
    }

    @Test
    void withoutAPasswordThereIsNoAdminAndTheLogSaysWhy(CapturedOutput output) {
        ProfilesProperties unset = new ProfilesProperties(properties.tokenTtl(), properties.issuer(),
                properties.audience(), "nobody@shop.test", "", properties.currency());
        new AdminAccount(accounts, unset).run(null);

        assertThat(accounts.exists("nobody@shop.test")).isFalse();
        assertThat(output.getAll()).contains("No ADMIN account nobody@shop.test: SHOP_ADMIN_PASSWORD is not set");
    }
}
