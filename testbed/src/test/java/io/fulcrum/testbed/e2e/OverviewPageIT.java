package io.fulcrum.testbed.e2e;

import io.fulcrum.testbed.api.FulcrumApi;
import io.fulcrum.testbed.api.Json;
import io.fulcrum.testbed.api.NodeSync;
import io.fulcrum.testbed.e2e.harness.ControlPlaneProcess;
import io.fulcrum.testbed.e2e.harness.DataPlaneNode;
import io.fulcrum.testbed.e2e.harness.FreePorts;
import io.fulcrum.testbed.e2e.harness.LineClient;
import io.fulcrum.testbed.e2e.harness.NameServer;
import io.fulcrum.testbed.e2e.harness.Specs;
import io.fulcrum.testbed.e2e.harness.TestDatabase;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The System Overview page (/ui/) in headless Chromium (Debian's chromium and chromium-driver, driven
 * by Selenium): signed in with an admin token it shows each virtual service with its real servers,
 * a real server turns red when its backend dies, and a Drain click changes its admin state through
 * the API; signed in with a viewer token the same page has no buttons. Screenshots go to
 * target/e2e/screenshots (the README's are copies).
 */
class OverviewPageIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration LIVE = Duration.ofSeconds(15);

    @Test
    void thePageShowsABackendDyingAndDrainsThroughTheApiAndViewersGetNoButtons() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "chromium and chromium-driver are not installed (Debian: apt-get install chromium chromium-driver)");
        Path work = Path.of("target", "e2e", "page-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss")))
                .toAbsolutePath();
        Path screenshots = Files.createDirectories(Path.of("target", "e2e", "screenshots").toAbsolutePath());
        try (TestDatabase database = TestDatabase.create();
             ControlPlaneProcess controlPlane = ControlPlaneProcess.start(
                     Path.of(System.getProperty("fulcrum.controlPlane.jar")), database, work);
             NameServer survivor = NameServer.start("RAS_Server1", "127.0.0.61");
             NameServer victim = NameServer.start("RAS_Server2", "127.0.0.62");
             DataPlaneNode node = DataPlaneNode.start(Path.of(System.getProperty("fulcrum.dataPlane.jar")), "page-node",
                     controlPlane.grpcTarget(), work, List.of("--report-interval", "200ms"))) {
            FulcrumApi api = controlPlane.api();
            int port = FreePorts.on(Specs.VIRTUAL_ADDRESS);
            api.put(FulcrumApi.virtualService("RAS-SG-HTTPS"), Specs.withSourceIpPersistence(Specs.withConnectCheck(
                    Specs.virtualService("RAS-SG-HTTPS", port, "weighted-least-connections"), "500ms", 2, 2), "6m"))
                    .requireSuccess();
            api.put(FulcrumApi.realServer("RAS-SG-HTTPS", "RAS_Server1"), Specs.realServer(survivor, 100)).requireSuccess();
            long version = api.put(FulcrumApi.realServer("RAS-SG-HTTPS", "RAS_Server2"), Specs.realServer(victim, 100))
                    .requireSuccess().requireConfigVersion();
            new NodeSync(api).awaitApplied(List.of("page-node"), version, Duration.ofSeconds(30));
            String viewerToken = api.post("/api/v1/tokens", Json.object().put("name", "wallboard").put("role", "viewer"))
                    .requireSuccess().json().path("token").asText();
            InetSocketAddress target = new InetSocketAddress(Specs.VIRTUAL_ADDRESS, port);
            List<LineClient> sessions = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                sessions.add(LineClient.connect("127.0.0." + (130 + i), target));
            }

            WebDriver browser = chromium();
            try {
                browser.get(api.base() + "/ui/");
                signIn(browser, ControlPlaneProcess.ADMIN_TOKEN);
                // The page rebuilds its tables at every refresh, so an element found a moment ago may be
                // gone: each look at the page is retried until it finds the element of the moment.
                WebDriverWait wait = new WebDriverWait(browser, LIVE);
                wait.ignoring(StaleElementReferenceException.class);
                wait.until(b -> "up".equals(server(b, "RAS_Server2").getAttribute("data-health"))
                        && "up".equals(server(b, "RAS_Server1").getAttribute("data-health")));
                wait.until(b -> b.findElement(By.cssSelector("tr[data-vs='RAS-SG-HTTPS'] td.connections")).getText()
                        .startsWith("6"));
                assertEquals("bootstrap (admin)", browser.findElement(By.id("who")).getText());
                screenshot(browser, screenshots.resolve("overview.png"));

                // The backend dies: within fall x interval and a report, its row turns red.
                victim.close();
                long killedAt = System.nanoTime();
                wait.until(b -> "down".equals(server(b, "RAS_Server2").getAttribute("data-health")));
                long redAfterMs = (System.nanoTime() - killedAt) / 1_000_000;
                List<String> dot = wait.until(b -> {
                    WebElement health = server(b, "RAS_Server2").findElement(By.cssSelector(".health"));
                    return List.of(health.getAttribute("class"), health.getCssValue("background-color"));
                });
                assertTrue(dot.get(0).contains("health-down"), dot.get(0));
                assertEquals("rgba(214, 59, 59, 1)", dot.get(1), "red");
                screenshot(browser, screenshots.resolve("overview-server-down.png"));

                // Drain, clicked: the API has it, and the page shows it.
                // A click on a button the refresh has just replaced fails before it reaches the page: retried.
                wait.until(b -> {
                    server(b, "RAS_Server1").findElement(By.cssSelector("button[data-action='drain']")).click();
                    return true;
                });
                wait.until(b -> "drain".equals(server(b, "RAS_Server1").getAttribute("data-state")));
                assertEquals("drain", api.get(FulcrumApi.realServer("RAS-SG-HTTPS", "RAS_Server1")).requireSuccess()
                        .json().path("state").asText());
                assertTrue(api.get("/api/v1/audit?limit=1").requireSuccess().json().get(0).path("principal").asText()
                        .equals("bootstrap"), "the drain is audited under the token that clicked");
                wait.until(b -> b.findElement(By.cssSelector("#audit tbody tr td:nth-child(3)")).getText().equals("patch"));
                screenshot(browser, screenshots.resolve("overview-drained.png"));

                // A viewer: the same page, no buttons.
                assertTrue(!browser.findElement(By.id("sign-in")).isDisplayed(), "the sign-in form is gone once signed in");
                browser.findElement(By.id("sign-out")).click();
                signIn(browser, viewerToken);
                wait.until(b -> b.findElements(By.cssSelector("tr[data-rs]")).size() == 2);
                assertEquals("wallboard (viewer)", browser.findElement(By.id("who")).getText());
                assertEquals(0, browser.findElements(By.cssSelector("button[data-action]")).size(), "a viewer sees no buttons");
                System.out.println("overview page: RAS_Server2 shown red " + redAfterMs + " ms after its backend died;"
                        + " Drain clicked -> state drain in the API; viewer: 0 buttons");
            } finally {
                browser.quit();
                for (LineClient session : sessions) {
                    session.close();
                }
            }
        }
    }

    private static WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // Root in CI: Chromium's sandbox needs an unprivileged user, so it is off for this local page.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static void signIn(WebDriver browser, String token) {
        WebDriverWait wait = new WebDriverWait(browser, LIVE);
        wait.until(b -> b.findElement(By.id("sign-in")).isDisplayed());
        WebElement field = browser.findElement(By.id("token"));
        field.clear();
        field.sendKeys(token);
        browser.findElement(By.cssSelector("#sign-in button[type='submit']")).click();
        wait.until(b -> b.findElement(By.id("view")).isDisplayed() && !b.findElement(By.id("sign-in")).isDisplayed());
    }

    private static WebElement server(WebDriver browser, String label) {
        return browser.findElement(By.cssSelector("tr[data-rs='RAS-SG-HTTPS/" + label + "']"));
    }

    private static void screenshot(WebDriver browser, Path file) throws java.io.IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
    }
}
