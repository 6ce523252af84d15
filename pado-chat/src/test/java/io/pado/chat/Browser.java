package io.pado.chat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Debian Chromium driven through Debian's chromedriver, with its own fresh profile (so two of them are
 * two separate browser contexts). Waits are conditions with a deadline, never sleeps.
 */
final class Browser implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    final WebDriver driver;
    private final Path profile;
    private final ChromeDriverService service;

    Browser() {
        try {
            profile = Files.createTempDirectory("pado-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var options = new ChromeOptions();
        options.setBinary(RequiredTool.check("chromium", "chromium").toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1100,720", "--user-data-dir=" + profile);
        service = new ChromeDriverService.Builder().usingDriverExecutable(
                RequiredTool.check("chromedriver", "chromium-driver").toFile()).usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
    }

    /** Debian's chromium and its chromedriver; skips or fails the test without them (see {@link RequiredTool}). */
    static void checkInstalled() {
        RequiredTool.check("chromium", "chromium");
        RequiredTool.check("chromedriver", "chromium-driver");
    }

    void open(String url) {
        driver.get(url);
    }

    WebElement find(String id) {
        return driver.findElement(By.id(id));
    }

    <T> T await(String what, Function<WebDriver, T> condition) {
        // A page that redraws can replace an element between finding and reading it: look again until the deadline
        return new WebDriverWait(driver, TIMEOUT).withMessage(what)
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition);
    }

    String text(String id) {
        return find(id).getText();
    }

    void screenshot(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("could not delete " + profile + ": " + e);
            }
        }
    }
}
