package shop.profiles.account;

import java.security.SecureRandom;
import java.util.Base64;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;
import shop.profiles.ProfilesProperties;

/**
 * Creates the ADMIN account at first start. Without a configured password it generates one
 * and logs it once, at that first start; later starts find the account and say nothing.
 */
@Component
class AdminAccount implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AdminAccount.class);

    private final Accounts accounts;
    private final ProfilesProperties properties;

    AdminAccount(Accounts accounts, ProfilesProperties properties) {
        this.accounts = accounts;
        this.properties = properties;
    }

    @Override
    public void run(ApplicationArguments args) {
        String email = properties.adminEmail();
        if (accounts.exists(email)) {
            return;
        }
        boolean generated = !StringUtils.hasText(properties.adminPassword());
        String password = generated ? randomPassword() : properties.adminPassword();
        try {
            accounts.create(email, password, "Administrator", Role.ADMIN);
        } catch (org.springframework.web.server.ResponseStatusException raced) {
            return; // another replica created it at the same moment
        }
        if (generated) {
            log.warn("Created the ADMIN account {} with the generated password {} (set SHOP_ADMIN_PASSWORD to choose one)."
                    + " It is shown only this once.", email, password);
        } else {
            log.info("Created the ADMIN account {}.", email);
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
