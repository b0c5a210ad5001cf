package shop.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Year;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A new shopper buys in a real browser: fills the cart from product pages, has a card declined
 * without losing the cart, pays, reads the confirmation and its invoice, and finds the order in
 * the history. Its products are ones no other system test buys or restocks.
 */
class CheckoutJourneyTest {

    private static final String NOTEBOOK = "Dot Grid Notebook A5";
    private static final String BREAD_BOOK = "Bread Every Day";
    private static final String EXPIRY_YEAR = String.valueOf(Year.now().getValue() + 3);

    private final LocalStack stack = LocalStack.shared();

    @Test
    void shopperIsDeclinedKeepsTheCartThenPaysAndFindsTheOrderAndInvoice() {
        try (Browser browser = Browser.openShop(stack, 1280, 900)) {
            signUp(browser);
            addFromProductPage(browser, NOTEBOOK, 1);
            addFromProductPage(browser, BREAD_BOOK, 2);
            browser.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("cart-count"), "3"));

            browser.driver.findElement(By.id("nav-cart")).click();
            browser.wait.until(driver -> driver.findElements(By.cssSelector(".cart-line")).size() == 2);
            browser.driver.findElement(By.id("checkout")).click();
            fillAddress(browser);
            pay(browser, "4000000000000002");
            browser.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("form-message"), "declined"));
            assertThat(browser.driver.findElement(By.id("card-number")).getDomProperty("value"))
                    .isEqualTo("4000000000000002");
            assertThat(browser.driver.findElement(By.id("shipping-city")).getDomProperty("value")).isEqualTo("Leipzig");

            browser.driver.findElement(By.linkText("Change your cart")).click();
            browser.wait.until(driver -> driver.findElements(By.cssSelector(".cart-line")).size() == 2);
            assertThat(quantities(browser)).containsExactlyInAnyOrder("1", "2");
            browser.driver.findElement(By.id("checkout")).click();
            fillAddress(browser);
            long total = Long.parseLong(awaitQuotedTotal(browser).getDomAttribute("data-cents"));
            pay(browser, "4242424242424242");

            browser.wait.until(ExpectedConditions.urlContains("#/orders/"));
            browser.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "Thank you"));
            String orderId = browser.driver.getCurrentUrl().replaceAll(".*#/orders/", "");
            assertThat(browser.driver.findElement(By.id("order-status")).getDomAttribute("data-status"))
                    .isEqualTo("CONFIRMED");
            String invoiceNumber = browser.driver.findElement(By.id("order-invoice-number")).getText();
            assertThat(invoiceNumber).startsWith("INV-");
            assertThat(browser.driver.findElement(By.id("order-total")).getDomAttribute("data-cents"))
                    .isEqualTo(String.valueOf(total));
            browser.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("cart-count"), "0"));

            browser.driver.findElement(By.id("view-invoice")).click();
            browser.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), invoiceNumber));
            assertThat(browser.driver.findElement(By.id("invoice-total")).getDomAttribute("data-cents"))
                    .isEqualTo(String.valueOf(total));
            assertThat(browser.driver.findElements(By.cssSelector(".receipt-lines tbody tr"))).hasSize(2);

            browser.driver.findElement(By.id("nav-orders")).click();
            WebElement row = browser.wait.until(ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector(".order-row[data-order-id='" + orderId + "']")));
            assertThat(row.getText()).contains(invoiceNumber);
            assertThat(row.findElement(By.cssSelector(".order-total")).getDomAttribute("data-cents"))
                    .isEqualTo(String.valueOf(total));
        }
    }

    /** Checkout open in two tabs, paid in both: the second tab shows the first one's order, and one charge. */
    @Test
    void payingForOneCartInTwoTabsPlacesOneOrder() {
        try (Browser browser = Browser.openShop(stack, 1280, 900)) {
            signUp(browser);
            addFromProductPage(browser, "Brass Fountain Pen", 1);
            String first = browser.driver.getWindowHandle();
            browser.driver.get(stack.gatewayUrl() + "/#/checkout");
            fillAddress(browser);
            awaitQuotedTotal(browser);
            browser.driver.switchTo().newWindow(WindowType.TAB);
            browser.driver.get(stack.gatewayUrl() + "/#/checkout");
            fillAddress(browser);
            awaitQuotedTotal(browser);
            String second = browser.driver.getWindowHandle();

            browser.driver.switchTo().window(first);
            pay(browser, "4242424242424242");
            browser.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "Thank you"));
            String orderId = browser.driver.getCurrentUrl().replaceAll(".*#/orders/", "");

            browser.driver.switchTo().window(second);
            pay(browser, "4242424242424242");
            browser.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "Thank you"));
            assertThat(browser.driver.getCurrentUrl()).endsWith("#/orders/" + orderId);

            browser.driver.findElement(By.id("nav-orders")).click();
            browser.wait.until(ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector(".order-row[data-order-id='" + orderId + "']")));
            assertThat(browser.driver.findElements(By.cssSelector(".order-row"))).hasSize(1);
        }
    }

    @Test
    void checkoutFitsAPhoneScreenWithTheTotalAndPayButtonInReach() {
        try (Browser browser = Browser.openShop(stack, 1280, 900)) {
            signUp(browser);
            addFromProductPage(browser, NOTEBOOK, 1);
            // Headless Chromium keeps windows at least 500 px wide: emulate the phone's viewport instead.
            browser.driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                    Map.of("width", 360, "height", 740, "deviceScaleFactor", 2, "mobile", true));
            browser.driver.get(stack.gatewayUrl() + "/#/checkout");
            fillAddress(browser);
            awaitQuotedTotal(browser);

            assertThat(browser.driver.executeScript("return window.innerWidth")).isEqualTo(360L);
            assertThat(browser.driver.executeScript("return document.documentElement.scrollWidth - window.innerWidth"))
                    .isEqualTo(0L);
            assertThat(browser.driver.findElement(By.id("checkout-total")).isDisplayed()).isTrue();
            assertThat(browser.driver.findElement(By.id("pay")).getText()).startsWith("Pay ");
        }
    }

    @Test
    void theOrderPageTracksTheParcelAndTheProductPageShowsWhatWasBoughtWithIt() {
        String lighthouse = "Letters from the Lighthouse";
        String houseplants = "Houseplants for Beginners";
        try (Browser browser = Browser.openShop(stack, 1280, 900)) {
            signUp(browser);
            addFromProductPage(browser, lighthouse, 1);
            addFromProductPage(browser, houseplants, 1);
            browser.driver.findElement(By.id("nav-cart")).click();
            browser.wait.until(driver -> driver.findElements(By.cssSelector(".cart-line")).size() == 2);
            browser.driver.findElement(By.id("checkout")).click();
            fillAddress(browser);
            awaitQuotedTotal(browser);
            pay(browser, "4242424242424242");
            browser.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "Thank you"));

            // The page asks shipping when it is shown: the shopper comes back to it as the parcel moves.
            new WebDriverWait(browser.driver, Duration.ofSeconds(40), Duration.ofSeconds(1)).until(driver -> {
                driver.navigate().refresh();
                // The page renders after its calls answer: wait for it before reading the parcel's status.
                WebElement status = browser.wait.until(ExpectedConditions.presenceOfElementLocated(
                        By.id("shipment-status")));
                return "DELIVERED".equals(status.getDomAttribute("data-status"));
            });
            assertThat(browser.driver.findElement(By.id("tracking-number")).getText()).matches("FIG\\d{12}");
            assertThat(browser.driver.findElements(By.cssSelector(".tracking-events li"))).hasSize(4);
            assertThat(browser.driver.findElements(By.id("cancel-order"))).as("no cancel once delivered").isEmpty();

            openProductPage(browser, lighthouse);
            WebElement alsoBought = browser.wait.until(ExpectedConditions.visibilityOfElementLocated(
                    By.id("also-bought")));
            assertThat(alsoBought.getText()).contains("Customers also bought", houseplants);

            stack.service("recommendations").process().stop();
            try {
                browser.driver.navigate().refresh();
                browser.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("product-name"), lighthouse));
                browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("add-to-cart")));
                assertThat(browser.driver.findElement(By.id("also-bought")).isDisplayed()).isFalse();
            } finally {
                stack.service("recommendations").process().start();
                stack.service("recommendations").awaitHealthy();
            }
        }
    }

    private static void openProductPage(Browser browser, String name) {
        type(browser, "search", name);
        browser.driver.findElement(By.cssSelector("#search-form button[type=submit]")).click();
        browser.click(By.linkText(name));
        browser.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("product-name"), name));
    }

    private static void signUp(Browser browser) {
        browser.driver.findElement(By.id("nav-sign-up")).click();
        type(browser, "sign-up-name", "Sam");
        type(browser, "sign-up-email", "checkout-" + UUID.randomUUID() + "@example.com");
        type(browser, "sign-up-password", "sams password");
        browser.driver.findElement(By.cssSelector("#sign-up-form button[type=submit]")).click();
        browser.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("nav-account"), "Sam"));
    }

    /** Searches for the product by name, opens its page and adds the quantity to the cart. */
    private static void addFromProductPage(Browser browser, String name, int quantity) {
        openProductPage(browser, name);
        new Select(browser.driver.findElement(By.id("add-quantity"))).selectByValue(String.valueOf(quantity));
        browser.driver.findElement(By.id("add-to-cart")).click();
        browser.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("cart-message"), "Added"));
    }

    private static void fillAddress(Browser browser) {
        type(browser, "shipping-line1", "Karl-Liebknecht-Str. 12");
        type(browser, "shipping-postal-code", "04107");
        type(browser, "shipping-city", "Leipzig");
        type(browser, "shipping-country", "DE");
    }

    /** Waits for the shipping quote, so the total the page shows is what will be charged. */
    private static WebElement awaitQuotedTotal(Browser browser) {
        browser.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("pay"), "Pay "));
        return browser.driver.findElement(By.id("checkout-total"));
    }

    private static void pay(Browser browser, String cardNumber) {
        type(browser, "card-number", cardNumber);
        type(browser, "card-exp-month", "12");
        type(browser, "card-exp-year", EXPIRY_YEAR);
        type(browser, "card-cvc", "123");
        browser.driver.findElement(By.id("pay")).click();
    }

    private static List<String> quantities(Browser browser) {
        return browser.driver.findElements(By.cssSelector(".cart-quantity")).stream()
                .map(input -> input.getDomProperty("value")).toList();
    }

    private static void type(Browser browser, String id, String text) {
        WebElement field = browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
        field.clear();
        field.sendKeys(text);
    }
}
