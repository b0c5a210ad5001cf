package shop.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** A shopper in a real browser, through the gateway: search, open a product, read its price. */
class BrowsingJourneyTest {

    private final LocalStack stack = LocalStack.shared();
    private ChromeDriver browser;
    private Browser session;

    @AfterEach
    void closeBrowser() {
        if (session != null) {
            session.close();
        }
    }

    @Test
    void shopperSearchesOpensAProductAndSeesItsPrice() {
        WebDriverWait wait = openShop(1280, 900);
        WebElement search = browser.findElement(By.id("search"));
        search.sendKeys("espresso");
        browser.findElement(By.cssSelector("form#search-form")).submit();
        wait.until(ExpectedConditions.urlContains("q=espresso"));
        wait.until(driver -> !cardNamed("Espresso Machine").isEmpty());

        cardNamed("Espresso Machine").get(0).findElement(By.cssSelector("a.product-link")).click();
        WebElement name = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("product-name")));
        assertThat(name.getText()).isEqualTo("Espresso Machine");
        WebElement price = browser.findElement(By.id("product-price"));
        assertThat(price.getAttribute("data-price-cents")).isEqualTo("24900");
        assertThat(price.getText()).contains("249.00");
    }

    @Test
    void categoryFilterAndPagingNarrowAndStepThroughResults() {
        WebDriverWait wait = openShop(1280, 900);
        WebElement category = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("a.category-link[data-slug]:not([data-slug=''])")));
        String slug = category.getAttribute("data-slug");
        category.click();
        wait.until(ExpectedConditions.urlContains("category=" + slug));
        wait.until(driver -> driver.findElement(By.cssSelector("a.category-link.active")).getAttribute("data-slug").equals(slug));

        browser.get(stack.gatewayUrl() + "/#/");
        // The category's page ("Page 1 of ...") stays on screen until every product's page replaces it.
        wait.until(driver -> driver.findElements(By.cssSelector("a.category-link.active[data-slug='" + slug + "']")).isEmpty());
        wait.until(ExpectedConditions.textMatches(By.id("page-info"), Pattern.compile("^Page 1 of ")));
        String firstPage = firstCardName(wait);
        browser.findElement(By.id("next-page")).click();
        wait.until(ExpectedConditions.textMatches(By.id("page-info"), Pattern.compile("^Page 2 of ")));
        wait.until(driver -> !firstCardName(wait).equals(firstPage));
    }

    @Test
    void pageFitsAPhoneScreenWithoutSidewaysScrolling() {
        openShop(360, 740);
        Object overflow = ((JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollWidth - window.innerWidth;");
        assertThat(((Number) overflow).intValue()).isLessThanOrEqualTo(0);
    }

    private WebDriverWait openShop(int width, int height) {
        session = Browser.openShop(stack, width, height);
        browser = session.driver;
        return session.wait;
    }

    private List<WebElement> cardNamed(String name) {
        return browser.findElements(By.cssSelector("article.product-card")).stream()
                .filter(card -> card.findElement(By.cssSelector(".product-name")).getText().equals(name))
                .toList();
    }

    /** Read inside the wait, which retries when the list re-renders between finding and reading. */
    private String firstCardName(WebDriverWait wait) {
        return wait.until(driver -> driver.findElement(By.cssSelector("article.product-card .product-name")).getText());
    }
}
