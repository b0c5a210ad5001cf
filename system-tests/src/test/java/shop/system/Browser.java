package shop.system;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

import java.time.Duration;

import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Debian Chromium, driven by Debian's chromedriver, showing the shop's home page. Both
 * paths are given explicitly, so Selenium Manager never tries to download a browser; the flags
 * keep Chromium off the network beyond the pages it is sent to.
 */
final class Browser implements AutoCloseable {

    final ChromeDriver driver;
    final WebDriverWait wait;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
        this.wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        // The page re-renders its lists, so an element found a moment ago may be gone: look again.
        wait.ignoring(StaleElementReferenceException.class);
    }

    /**
     * Clicks the element once it is clickable, found and clicked in one try: a list drawn again
     * between the two leaves a stale element, and the wait then tries again.
     */
    void click(By locator) {
        wait.until(driver -> {
            WebElement element = ExpectedConditions.elementToBeClickable(locator).apply(driver);
            if (element == null) {
                return false;
            }
            element.click();
            return true;
        });
    }

    /** Opens the shop's home page in a window of that size and waits until products are listed. */
    static Browser openShop(LocalStack stack, int width, int height) {
        Browser browser = new Browser(chromium(width, height));
        browser.driver.get(stack.gatewayUrl() + "/");
        browser.wait.until(ExpectedConditions.presenceOfAllElementsLocatedBy(By.cssSelector("article.product-card")));
        return browser;
    }

    @Override
    public void close() {
        driver.quit();
    }

    private static ChromeDriver chromium(int width, int height) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--window-size=" + width + "," + height,
                "--user-data-dir=" + temporaryProfile());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver")))
                .build();
        return new ChromeDriver(service, options);
    }

    private static String temporaryProfile() {
        try {
            return Files.createTempDirectory("chromium-profile").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
