package shop.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** A new shopper in a real browser: signs up, keeps an address, signs out and back in. */
class AccountJourneyTest {

    private final LocalStack stack = LocalStack.shared();

    @Test
    void shopperSignsUpSavesAnAddressSignsOutAndSignsBackIn() {
        String email = "browser-" + UUID.randomUUID() + "@example.com";
        try (Browser browser = Browser.openShop(stack, 1280, 900)) {
            browser.driver.findElement(By.id("nav-sign-up")).click();
            type(browser, "sign-up-name", "Robin");
            type(browser, "sign-up-email", email);
            type(browser, "sign-up-password", "robins password");
            browser.driver.findElement(By.cssSelector("#sign-up-form button[type=submit]")).click();
            browser.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("nav-account"), "Robin"));

            browser.driver.findElement(By.id("nav-account")).click();
            browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("profile-form")));
            type(browser, "address-line1", "12 Harbour Road");
            type(browser, "address-city", "Bristol");
            type(browser, "address-postal-code", "BS1 5TY");
            type(browser, "address-country", "Britain");
            browser.driver.findElement(By.cssSelector("#profile-form button[type=submit]")).click();
            WebElement countryError = browser.wait.until(ExpectedConditions.visibilityOfElementLocated(
                    By.id("address-country-error")));
            assertThat(countryError.getText()).containsIgnoringCase("country");

            type(browser, "address-country", "GB");
            browser.driver.findElement(By.cssSelector("#profile-form button[type=submit]")).click();
            browser.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("form-message"), "Saved"));

            browser.driver.findElement(By.id("sign-out")).click();
            // Signing out rebuilds the header and goes home. A click on the new link can land while
            // that is under way and be lost (CI saw it once), so click until the form shows, as a
            // shopper would click again.
            browser.wait.ignoring(StaleElementReferenceException.class).until(driver -> {
                if (driver.findElements(By.id("sign-in-email")).stream().anyMatch(WebElement::isDisplayed)) {
                    return true;
                }
                driver.findElement(By.id("nav-sign-in")).click();
                return false;
            });
            type(browser, "sign-in-email", email);
            type(browser, "sign-in-password", "not the password");
            browser.driver.findElement(By.cssSelector("#sign-in-form button[type=submit]")).click();
            browser.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("form-message"), "wrong"));

            type(browser, "sign-in-password", "robins password");
            browser.driver.findElement(By.cssSelector("#sign-in-form button[type=submit]")).click();
            browser.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("nav-account"), "Robin"));
            browser.driver.get(stack.gatewayUrl() + "/#/account");
            WebElement city = browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("address-city")));
            browser.wait.until(driver -> "Bristol".equals(city.getDomProperty("value")));
        }
    }

    private static void type(Browser browser, String id, String text) {
        WebElement field = browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
        field.clear();
        field.sendKeys(text);
    }
}
