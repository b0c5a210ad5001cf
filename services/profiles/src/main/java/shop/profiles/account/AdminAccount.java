package shop.profiles.account;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;
import org.springframework.web.server.ResponseStatusException;
import shop.profiles.ProfilesProperties;

/**
 * Creates the ADMIN account at first start, with SHOP_ADMIN_PASSWORD. A password never goes to the
 * log, where anyone who reads logs would find it: fig generates it and shows it once on the terminal
 * of the {@code fig up} that made it. Without one there is no admin account until a start with it.
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
        if (!StringUtils.hasText(properties.adminPassword())) {
            log.warn("No ADMIN account {}: SHOP_ADMIN_PASSWORD is not set. Set it and restart to create the account.", email);
            return;
        }
        try {
            accounts.create(email, properties.adminPassword(), "Administrator", Role.ADMIN);
        } catch (ResponseStatusException raced) {
            return; // another replica created it at the same moment
        }
        log.info("Created the ADMIN account {}.", email);
    }
}
