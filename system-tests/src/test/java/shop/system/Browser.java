package shop.system;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Debian Chromium driven by Debian's chromedriver. Both paths are given explicitly, so
 * Selenium Manager never tries to download a browser; the flags keep Chromium off the network
 * beyond the pages it is sent to.
 */
final class Browser {

    private Browser() {
    }

    static ChromeDriver open(int width, int height) {
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
