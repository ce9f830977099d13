package dev.relaybox.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relaybox.adapters.commerce.simulator.CommerceSimulator;
import dev.relaybox.adapters.commerce.simulator.Knobs;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The ops dashboard in real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}): log in, find
 * the dead letter this test caused, replay it once Slack is healthy again and watch it get delivered; and show that
 * markup in a description or an error stays text. Skips when Chromium is not installed; {@code .ci/run} installs it.
 * With {@code -Drelaybox.dashboard.screenshot=<path>} the screenshot is also copied there (docs/dashboard.png).
 */
class DashboardBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static FakeSlack slack;
  private static FakeSubscriber subscribers;
  private static CommerceSimulator commerce;
  private static Relaybox relaybox;
  private static TestApi api;
  private static WebDriver browser;
  private static Path profile;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "the dashboard browser test needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver):"
            + " apt-get install -y chromium chromium-driver; skipping");
    slack = new FakeSlack();
    Map<String, String> env = TestConfigs.freshDatabase();
    env.putAll(Map.of(
        "RELAYBOX_SLACK_WEBHOOK_URL", slack.url(),
        "RELAYBOX_SLACK_MAX_PER_SECOND", "1000",
        "RELAYBOX_ROUTES", "sales=slack",
        "RELAYBOX_CHANNEL_MAX_ATTEMPTS", "1",
        "RELAYBOX_POLL_INTERVAL", "200ms",
        "RELAYBOX_ALLOW_PRIVATE_URLS", "true"));
    subscribers = new FakeSubscriber();
    // the endpoints test publishes order events: an assistance request would add to the queue counts the replay test reads
    commerce = CommerceSimulator.start("127.0.0.1", 0, Knobs.defaults(), new SplittableRandom(5));
    env.putAll(TestConfigs.commercePorts(commerce.baseUrl()));
    relaybox = Relaybox.start(RelayboxConfig.from(env), Clock.systemUTC());
    api = new TestApi(relaybox.httpPort(), TestConfigs.API_KEY);

    profile = Files.createTempDirectory("relaybox-chromium");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-dev-shm-usage", "--window-size=1280,1500", "--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
    browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
  }

  @AfterAll
  static void stop() throws IOException {
    if (browser != null) browser.quit();
    if (relaybox != null) relaybox.close();
    if (slack != null) slack.close();
    if (subscribers != null) subscribers.close();
    if (commerce != null) commerce.close();
    if (profile != null) {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }

  @Test
  void anOperatorReplaysADeadRequestAndSeesItDelivered() throws IOException {
    String marker = TestApi.marker();
    slack.alwaysAnswer(marker, FakeSlack.Answer.status(500, "slack is down"));
    String id = accepted("A customer wants a quote for 40 seats " + marker);
    api.awaitAssistanceStatus(id, "failed", WAIT);

    logIn();
    By deadRow = By.cssSelector("#dead tr[data-key='" + id + "']");
    waitFor(deadRow);
    assertTrue(text(deadRow).contains("slack 500"), text(deadRow));
    String jobId = attribute(deadRow, "data-job-id");
    click(By.id("show-" + jobId));
    By history = By.cssSelector("#job-detail .history");
    waitFor(history);
    assertTrue(text(history).contains("slack 500: slack is down"), text(history));

    slack.clear(marker);
    click(By.id("replay-" + jobId));
    waitUntilText(By.id("action-result"), "replay: 1 of 1 done");

    browser.findElement(By.id("lookup-id")).sendKeys(id);
    click(By.cssSelector("#lookup button[type=submit]"));
    new WebDriverWait(browser, WAIT).until(ExpectedConditions.textToBe(
        By.cssSelector("#lookup-record dd[data-field='status']"), "delivered"));
    // read through a wait: the periodic refresh re-renders the look-up and can replace the element between find and read
    new WebDriverWait(browser, WAIT).until(ExpectedConditions.textToBe(
        By.cssSelector("#lookup-record dd[data-field='channel']"), "slack"));
    new WebDriverWait(browser, WAIT).until(ExpectedConditions.invisibilityOfElementLocated(
        By.cssSelector("#dead tr[data-key='" + id + "']")));
    assertEquals(1, slack.acceptedFor(id));
    // the next refresh shows the delivery in the queue table and the throughput chart
    waitUntilText(By.cssSelector("#queues tr[data-subscription='assistance.delivery'] td:nth-child(7)"), "1");
    waitFor(By.cssSelector("#chart rect.done"));
    screenshot();
  }

  @Test
  void markupFromDescriptionsAndErrorsIsShownAsText() {
    String marker = TestApi.marker();
    String nasty = "<script>window.__xss='script'</script> \"><img src=x onerror=\"window.__xss='img'\"> " + marker;
    slack.alwaysAnswer(marker, FakeSlack.Answer.status(404, "<img src=x onerror=\"window.__xss='error'\">"));
    String id = accepted(nasty);
    api.awaitAssistanceStatus(id, "failed", WAIT);

    logIn();
    By deadRow = By.cssSelector("#dead tr[data-key='" + id + "']");
    waitFor(deadRow);
    assertTrue(text(deadRow).contains("<img src=x onerror="), "the error shows as text: " + text(deadRow));
    browser.findElement(By.id("lookup-id")).sendKeys(id);
    click(By.cssSelector("#lookup button[type=submit]"));
    By description = By.cssSelector("#lookup-record dd[data-field='description']");
    waitFor(description);
    assertEquals(nasty, text(description));
    assertEquals(0, browser.findElements(By.cssSelector("#lookup-result img, #dead img, #lookup-result script")).size());
    assertNull(((JavascriptExecutor) browser).executeScript("return window.__xss === undefined ? null : window.__xss;"),
        "no injected script ran");
    slack.clear(marker);
  }

  @Test
  void theDashboardShowsEndpointsTheirHealthAndFailedDeliveriesAndEnablesADisabledOne() {
    String failing = subscribe("failing-" + UUID.randomUUID(), 503);
    String gone = subscribe("gone-" + UUID.randomUUID(), 410);
    String id = placeOrder();

    logIn();
    waitFor(By.cssSelector("#endpoints tr[data-endpoint='" + failing + "']"));
    new WebDriverWait(browser, WAIT).until(d -> cell(failing, 5).matches("[1-9][0-9]*"));
    assertEquals("enabled", cell(failing, 3));
    assertTrue(cell(failing, 4).matches("[1-9][0-9]*"), "attempts in the last day: " + cell(failing, 4));
    assertTrue(cell(failing, 8).matches("\\d{4}-.*"), "the last failure's time: " + cell(failing, 8));
    By failed = By.cssSelector("#failed-deliveries tr[data-endpoint='" + failing + "']");
    waitFor(failed);
    assertTrue(text(failed).contains("503"), "the failed delivery with its status: " + text(failed));

    new WebDriverWait(browser, WAIT).until(d -> cell(gone, 3).startsWith("disabled"));
    assertTrue(cell(gone, 3).contains("410"), cell(gone, 3));
    By goneFailed = By.cssSelector("#failed-deliveries tr[data-endpoint='" + gone + "']");
    waitFor(goneFailed);
    assertTrue(text(goneFailed).contains("410"), text(goneFailed));
    subscribers.answer(pathOf(gone), 200);
    click(By.id("enable-" + gone));
    new WebDriverWait(browser, WAIT).until(d -> cell(gone, 3).equals("enabled"));
    Await.until("the backlog reaches the re-enabled endpoint", WAIT,
        () -> subscribers.accepted(pathOf(gone)).stream().anyMatch(r -> r.envelope().toString().contains(id)));
  }

  // ---- helpers ------------------------------------------------------------------------------------------------

  private static void logIn() {
    browser.get("http://127.0.0.1:" + relaybox.httpPort() + "/admin/ui");
    assertEquals("", browser.getCurrentUrl().replaceAll("^[^?]*", ""), "nothing in the query string");
    waitFor(By.id("key")).sendKeys(TestConfigs.ADMIN_KEY);
    click(By.id("login-button"));
    new WebDriverWait(browser, WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("app")));
    assertTrue(!browser.getCurrentUrl().contains(TestConfigs.ADMIN_KEY), "the key never goes into the URL");
  }

  private static WebElement waitFor(By locator) {
    return new WebDriverWait(browser, WAIT).until(ExpectedConditions.visibilityOfElementLocated(locator));
  }

  private static void waitUntilText(By locator, String text) {
    new WebDriverWait(browser, WAIT).until(ExpectedConditions.textToBePresentInElementLocated(locator, text));
  }

  /** The element's text, found afresh when the periodic refresh replaced it between find and read. */
  private static String text(By locator) {
    return new WebDriverWait(browser, WAIT).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(d -> d.findElement(locator).getText());
  }

  private static String attribute(By locator, String name) {
    return new WebDriverWait(browser, WAIT).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(d -> d.findElement(locator).getAttribute(name));
  }

  /** Clicks, retrying when the periodic refresh replaced the element in between. */
  private static void click(By locator) {
    new WebDriverWait(browser, WAIT).ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> {
      d.findElement(locator).click();
      return true;
    });
  }

  private static void screenshot() throws IOException {
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Path target = Path.of("target", "dashboard.png");
    Files.createDirectories(target.getParent());
    Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    String copy = System.getProperty("relaybox.dashboard.screenshot");
    if (copy != null && !copy.isBlank()) {
      Files.copy(shot.toPath(), Path.of(copy), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static final Map<String, String> PATHS = new java.util.concurrent.ConcurrentHashMap<>();

  /** Creates an endpoint for every event at a subscriber path answering {@code status}; returns its id. */
  private static String subscribe(String path, int status) {
    subscribers.answer(path, status);
    HttpResponse<String> created = api.withKey(TestConfigs.ADMIN_KEY).post("/admin/webhook-endpoints",
        "{\"url\":\"" + subscribers.url(path) + "\",\"eventTypes\":[\"*\"]}");
    assertEquals(201, created.statusCode(), created.body());
    subscribers.secret(path, TestApi.json(created).path("secret").asText());
    String id = TestApi.json(created).path("id").asText();
    PATHS.put(id, path);
    return id;
  }

  private static String pathOf(String endpointId) {
    return PATHS.get(endpointId);
  }

  /** The text of column {@code n} (from 1) of the endpoint's row, re-read on every call (the page refreshes). */
  private static String cell(String endpointId, int n) {
    try {
      return browser.findElement(By.cssSelector("#endpoints tr[data-endpoint='" + endpointId + "'] td:nth-child(" + n + ")")).getText();
    } catch (org.openqa.selenium.NoSuchElementException | org.openqa.selenium.StaleElementReferenceException e) {
      return "";
    }
  }

  private static String placeOrder() {
    HttpResponse<String> placed = api.postWithHeader("/v1/orders", """
        {"customerId":"cus-dashboard","storefront":"us-app","currency":"USD","items":[{"sku":"SKU-D","quantity":1,"unitPrice":500}],
         "shippingAddress":{"name":"Ada Lovelace","line1":"1 Analytical St","city":"London","postalCode":"N1","country":"GB"}}""",
        "Idempotency-Key", UUID.randomUUID().toString());
    assertEquals(201, placed.statusCode(), placed.body());
    return TestApi.json(placed).path("id").asText();
  }

  private static String accepted(String description) {
    ObjectNode body = TestApi.JSON.createObjectNode().put("topic", "sales").put("description", description);
    HttpResponse<String> response = api.post("/v1/assistance-requests", body.toString());
    assertEquals(202, response.statusCode(), response.body());
    return TestApi.json(response).get("id").asText();
  }


}
