package shop.profiles.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import shop.testing.FreshBroker;
import shop.testing.FreshDatabase;

/** Without SHOP_ADMIN_PASSWORD the admin gets a random password, logged at first start only. */
@FreshDatabase
@FreshBroker
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(
        properties = {"eureka.client.enabled=false", "shop.profiles.admin-email=root@shop.test",
                "shop.profiles.admin-password="})
class AdminAccountTest {

    @Autowired
    Accounts accounts;

    @Autowired
    AdminAccount adminAccount;

    @Test
    void generatedPasswordIsLoggedOnceAndWorks(CapturedOutput output) throws Exception {
        Matcher logged = Pattern.compile("generated password (\\S+) ").matcher(output.getAll());
        assertThat(logged.find()).as("the first start logs the generated password").isTrue();
        assertThat(accounts.authenticate("root@shop.test", logged.group(1)))
                .hasValueSatisfying(admin -> assertThat(admin.getRole()).isEqualTo(Role.ADMIN));

        adminAccount.run(null); // what the next start does
        assertThat(Pattern.compile("generated password").matcher(output.getAll()).results().count())
                .as("times a password was logged").isOne();
    }
}
