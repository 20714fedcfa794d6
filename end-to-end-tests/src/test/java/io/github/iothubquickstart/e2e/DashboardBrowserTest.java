package io.github.iothubquickstart.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import com.sun.net.httpserver.HttpServer;
import io.github.iothubquickstart.common.Environment;
import io.github.iothubquickstart.device.DeviceApplication;
import io.github.iothubquickstart.localhub.junit.LocalIotHubExtension;
import io.github.iothubquickstart.localhub.tls.ClientCertificates;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The quickstart done in the dashboard, in headless Chromium, against an in-process hub and the real simulated
 * device: the device shows as connected, its telemetry arrives as rows and chart points, SetTelemetryInterval 3
 * spaces the messages 3 s apart, and a desired telemetryInterval edited in the twin editor comes back reported.
 * Then what the dashboard refuses: no token, a wrong token, a write from another site's page.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DashboardBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String DEVICE = "MyJavaDevice";
    /** Written by every run; docs/dashboard.png is a copy of it. */
    private static final Path SCREENSHOT = Path.of("target", "dashboard-screenshot.png");

    @RegisterExtension
    static LocalIotHubExtension hub = LocalIotHubExtension.create();

    @TempDir
    static Path browserFiles;
    static HeadlessChromium chromium;

    final ConsoleCapture device = new ConsoleCapture();

    @BeforeAll
    static void startTheBrowser() throws Exception {
        chromium = HeadlessChromium.trusting(hub.hub().caCertificateFile(), browserFiles);
    }

    @AfterAll
    static void stopTheBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    /** Each test starts signed out: the dashboard keeps its secret in the tab's sessionStorage. */
    @BeforeEach
    void signOut() {
        open(hubAddress() + "/dashboard/vendor/uPlot.LICENSE.txt");
        ((JavascriptExecutor) chromium.driver).executeScript("sessionStorage.clear()");
    }

    @Test
    void theQuickstartDoneInTheDashboard() throws Exception {
        Environment environment = Map.of("LOCAL_IOTHUB_DATA_DIR", hub.hub().dataDirectory().toString())::get;
        try (DeviceApplication app = new DeviceApplication(environment, device.out(), device.err(), new Random(11),
                hub.hub().bindAddress())) {
            CompletableFuture<Integer> deviceExit = CompletableFuture.supplyAsync(() -> app.run(
                    "--connection-string", hub.deviceConnectionString(DEVICE), "--interval", "1", "--count", "40"));
            open(hub.hub().dashboardUrl());
            assertThat(chromium.driver.getCurrentUrl()).as("the token leaves the address bar").doesNotContain("token");

            // Devices: the quickstart device, connected.
            await(() -> text(By.cssSelector("tr[data-device-id='" + DEVICE + "'] td")).equals("Connected"));

            // Telemetry: rows with the quickstart's body and properties, and points on the chart.
            click("tab-telemetry");
            await(() -> telemetryRows().size() >= 3);
            WebElement newest = telemetryRows().get(0);
            assertThat(newest.getText()).contains(DEVICE).contains("\"temperature\":").contains("\"humidity\":")
                    .containsPattern("temperatureAlert=(true|false)");
            await(() -> chartPoints() >= 6); // two fields a message
            assertThat(chromium.driver.findElements(By.cssSelector("#telemetry-chart canvas"))).isNotEmpty();
            assertThat(text(By.id("chart-summary"))).contains(DEVICE + " · temperature").contains(DEVICE + " · humidity");

            // Direct method: SetTelemetryInterval 3, answered 200, and the messages then come 3 s apart.
            click("tab-methods");
            await(() -> new Select(element("method-device")).getOptions().stream()
                    .anyMatch(option -> option.getAttribute("value").equals(DEVICE)));
            new Select(element("method-device")).selectByValue(DEVICE);
            replace(element("method-name"), "SetTelemetryInterval");
            replace(element("method-payload"), "3");
            click("method-invoke");
            await(() -> text(By.id("method-status")).contains("answered status"));
            assertThat(text(By.id("method-status"))).matches("Device " + DEVICE + " answered status 200 in \\d+ ms\\.");
            assertThat(text(By.id("method-payload-answer"))).contains("3");
            long lastBefore = newestSequenceNumber();
            click("tab-telemetry");
            // The message already due at the old pace may still come 1 s later: skip it, then time three.
            await(() -> sequenceNumbersAfter(lastBefore).size() >= 4);
            List<Instant> spaced = enqueuedTimesAfter(lastBefore).subList(1, 4);
            for (int i = 1; i < spaced.size(); i++) {
                assertThat(Duration.between(spaced.get(i - 1), spaced.get(i)))
                        .as("gap between the messages the dashboard shows after SetTelemetryInterval 3")
                        .isBetween(Duration.ofMillis(2_500), Duration.ofMillis(4_500));
            }
            Files.createDirectories(SCREENSHOT.getParent());
            Files.write(SCREENSHOT, chromium.driver.getScreenshotAs(OutputType.BYTES));

            // Twin: the device reports 3 (the method changed its schedule); a desired 2 typed in the editor comes back reported.
            click("tab-twin");
            new Select(element("twin-device")).selectByValue(DEVICE);
            await(() -> text(By.id("twin-reported")).contains("\"telemetryInterval\": 3"));
            long reportedVersion = reportedVersion();
            replace(element("twin-desired-editor"), "{\"telemetryInterval\": 2}");
            click("twin-save");
            await(() -> text(By.id("twin-message")).startsWith("Saved: desired $version"));
            await(() -> text(By.id("twin-reported")).contains("\"telemetryInterval\": 2"));
            assertThat(reportedVersion()).isGreaterThan(reportedVersion);
            device.awaitStdout("Desired telemetryInterval 2", WAIT);

            app.stop();
            assertThat(deviceExit.get(30, TimeUnit.SECONDS)).as(device.toString()).isZero();
        }
    }

    @Test
    void aDeviceCreatedInTheDashboardGetsItsConnectionStringAndTheHubsRulesAreShown() throws Exception {
        open(hub.hub().dashboardUrl());
        await(() -> element("tabs").isDisplayed());
        replace(element("new-device-id"), "madeInDashboard");
        element("new-device-id").sendKeys(Keys.ENTER);
        await(() -> element("created-device").isDisplayed());
        String key = hub.hub().identity().registry().findDevice("madeInDashboard").orElseThrow().primaryKey();
        assertThat(element("created-connection-string").getAttribute("value"))
                .isEqualTo("HostName=" + hub.hub().bindAddress() + ";DeviceId=madeInDashboard;SharedAccessKey=" + key);
        await(() -> text(By.cssSelector("tr[data-device-id='madeInDashboard'] td")).equals("Disconnected"));

        // A method call to a device that is not connected: the back-end application's words for 404103.
        click("tab-methods");
        new Select(element("method-device")).selectByValue("madeInDashboard");
        replace(element("method-connect-timeout"), "0");
        click("method-invoke");
        await(() -> text(By.id("method-status")).startsWith("error:"));
        assertThat(text(By.id("method-status"))).isEqualTo("error: device madeInDashboard is not connected to the hub "
                + "(waited 0 s): start the simulated device first, or raise the connect timeout");

        // The twin editor: JSON checked in the page, IoT Hub's rules checked by the hub and its message shown.
        click("tab-twin");
        new Select(element("twin-device")).selectByValue("madeInDashboard");
        await(() -> text(By.id("twin-reported-version")).startsWith("($version"));
        replace(element("twin-desired-editor"), "{\"telemetryInterval\": ");
        click("twin-save");
        await(() -> text(By.id("twin-message")).startsWith("Desired properties: not valid JSON"));
        replace(element("twin-desired-editor"), "{\"bad.name\": 1}");
        click("twin-save");
        await(() -> text(By.id("twin-message")).startsWith("The hub refused the change (400"));
        assertThat(text(By.id("twin-message"))).contains("IoT Hub forbids '.', '$', spaces and control characters");
        assertThat(hub.twinClient().get("madeInDashboard").getDesiredProperties()).isEmpty();

        // Disable, then delete (confirmed in the browser's dialog).
        click("tab-devices");
        chromium.driver.findElement(By.cssSelector("button[aria-label='Disable madeInDashboard']")).click();
        await(() -> text(By.cssSelector("tr[data-device-id='madeInDashboard'] td:nth-of-type(3)")).equals("disabled"));
        chromium.driver.findElement(By.cssSelector("button[aria-label='Delete madeInDashboard']")).click();
        chromium.driver.switchTo().alert().accept();
        await(() -> chromium.driver.findElements(By.cssSelector("tr[data-device-id='madeInDashboard']")).isEmpty());
        assertThat(hub.hub().identity().registry().findDevice("madeInDashboard")).isEmpty();
    }

    @Test
    void aFaultSetOffInTheDashboardBreaksTheDevicesConnectionAndTheSdkReconnects() throws Exception {
        List<IotHubConnectionStatus> statuses = new CopyOnWriteArrayList<>();
        DeviceClient client = hub.deviceClient("faultyDevice");
        client.setConnectionStatusChangeCallback(context -> statuses.add(context.getNewStatus()), null);
        client.open(true);
        try {
            open(hub.hub().dashboardUrl());
            await(() -> element("tabs").isDisplayed());
            click("tab-faults");
            await(() -> new Select(element("fault-device")).getOptions().stream()
                    .anyMatch(option -> option.getAttribute("value").equals("faultyDevice")));
            new Select(element("fault-device")).selectByValue("faultyDevice");

            // A fault the device's protocol does not have: the hub's 404103, in the page's words.
            new Select(element("fault-type")).selectByValue("KillAmqpSession");
            click("fault-inject");
            await(() -> text(By.id("fault-result")).startsWith("error:"));
            assertThat(text(By.id("fault-result"))).isEqualTo("error: device faultyDevice is not connected, or its "
                    + "protocol has no KillAmqpSession fault (KillTcp works on every protocol; AMQP faults need an AMQP "
                    + "device)");
            assertThat(statuses).doesNotContain(IotHubConnectionStatus.DISCONNECTED_RETRYING);

            // KillTcp: the SDK sees its connection drop and reconnects by itself.
            new Select(element("fault-type")).selectByValue("KillTcp");
            click("fault-inject");
            await(() -> text(By.id("fault-result")).equals(
                    "KillTcp set off for faultyDevice: its connection breaks now."));
            await(() -> statuses.contains(IotHubConnectionStatus.DISCONNECTED_RETRYING)
                    && statuses.get(statuses.size() - 1) == IotHubConnectionStatus.CONNECTED);
            client.sendEvent(new Message("after the fault"));
        } finally {
            client.close();
        }
    }

    @Test
    void theTrustedCaCertificatesAreShownReadOnlyAndFollowTheCli() throws Exception {
        Instant now = Instant.now();
        ClientCertificates.Issued root = ClientCertificates.rootCa("Browser Root CA", now.minusSeconds(60),
                now.plus(Duration.ofDays(30)));
        hub.hub().identity().caCertificates().add("browser-root", root.certificate());
        try {
            open(hub.hub().dashboardUrl());
            await(() -> element("tabs").isDisplayed());
            click("tab-certificates");
            By row = By.cssSelector("tr[data-certificate-name='browser-root']");
            await(() -> !chromium.driver.findElements(row).isEmpty());
            List<String> cells = chromium.driver.findElement(row).findElements(By.cssSelector("th, td")).stream()
                    .map(WebElement::getText).toList();
            assertThat(cells).hasSize(4);
            assertThat(cells.subList(0, 3)).containsExactly("browser-root", "CN=Browser Root CA",
                    ClientCertificates.sha1Thumbprint(root.certificate()));
            assertThat(cells.get(3)).isNotBlank().isNotEqualTo("never");
            assertThat(element("certificates-empty").isDisplayed()).isFalse();
            assertThat(chromium.driver.findElements(By.cssSelector("#panel-certificates button, #panel-certificates"
                    + " form, #panel-certificates input"))).as("read-only: the CLI changes them").isEmpty();
        } finally {
            hub.hub().identity().caCertificates().remove("browser-root");
        }
        // Removed beside the page (as the CLI does): the open tab follows without a reload.
        await(() -> element("certificates-empty").isDisplayed());
        assertThat(chromium.driver.findElements(By.cssSelector("#certificates-table tbody tr"))).isEmpty();
    }

    @Test
    void withoutTheTokenTheDashboardAsksForItAndTheApiAnswers401() throws Exception {
        open(hubAddress() + "/");

        await(() -> element("sign-in").isDisplayed());
        assertThat(element("tabs").isDisplayed()).isFalse();
        assertThat(statusOfFetch("GET", null)).isEqualTo(401);
    }

    @Test
    void aWrongTokenIsRefusedWithTheHubsMessage() throws Exception {
        open(hubAddress() + "/#token=wrong");

        await(() -> text(By.id("sign-in-error")).contains("Sign-in refused"));
        assertThat(text(By.id("sign-in-error"))).contains("not this hub's dashboard token");
        assertThat(statusOfFetch("GET", "wrong")).isEqualTo(401);
        assertThat(statusOfFetch("PUT", "wrong")).isEqualTo(401);
        assertThat(hub.hub().identity().registry().findDevice("madeByBrowser")).isEmpty();
    }

    @Test
    void anotherSitesPageCannotWriteEvenKnowingTheToken() throws Exception {
        String token = hub.hub().dashboardUrl().replaceAll(".*#token=", "");
        String target = hubAddress() + "/devices/fromOtherSite?api-version=2021-04-12";
        HttpServer otherSite = HttpServer.create(new InetSocketAddress(hub.hub().bindAddress(), 0), 0);
        otherSite.createContext("/", exchange -> {
            byte[] page = "<!doctype html><title>another site</title><p>another site</p>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        otherSite.start();
        try {
            open("http://" + hub.hub().bindAddress() + ":" + otherSite.getAddress().getPort() + "/");
            Object outcome = ((JavascriptExecutor) chromium.driver).executeAsyncScript(
                    "const done = arguments[arguments.length - 1];"
                    + "fetch(arguments[0], {method: 'PUT', headers: {Authorization: 'Bearer ' + arguments[1],"
                    + " 'Content-Type': 'application/json'}, body: '{\"deviceId\":\"fromOtherSite\"}'})"
                    + ".then(r => done('status ' + r.status), e => done('refused: ' + e.name));", target, token);
            assertThat(outcome).isEqualTo("refused: TypeError");
            Object simple = ((JavascriptExecutor) chromium.driver).executeAsyncScript(
                    "const done = arguments[arguments.length - 1];"
                    + "fetch(arguments[0], {method: 'POST', mode: 'no-cors', body: '{\"deviceId\":\"fromOtherSite\"}'})"
                    + ".then(r => done('sent'), e => done('refused: ' + e.name));", target);
            assertThat(simple).isEqualTo("sent");
        } finally {
            otherSite.stop(0);
        }
        assertThat(hub.hub().identity().registry().findDevice("fromOtherSite")).isEmpty();
    }

    /** The status a same-origin fetch from the dashboard page gets for the device list (GET) or a new device (PUT). */
    private int statusOfFetch(String method, String token) {
        Object status = ((JavascriptExecutor) chromium.driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                + "const headers = arguments[1] ? {Authorization: 'Bearer ' + arguments[1]} : {};"
                + "const body = arguments[0] === 'PUT' ? '{\"deviceId\":\"madeByBrowser\"}' : undefined;"
                + "fetch('/devices' + (body ? '/madeByBrowser' : '') + '?api-version=2021-04-12',"
                + " {method: arguments[0], headers, body}).then(r => done(r.status), e => done(-1));", method, token);
        return ((Number) status).intValue();
    }

    private static String hubAddress() {
        return "https://" + hub.hub().bindAddress() + ":" + hub.hub().httpsPort();
    }

    private void open(String url) {
        chromium.driver.manage().timeouts().scriptTimeout(WAIT);
        chromium.driver.get(url);
    }

    private List<WebElement> telemetryRows() {
        return chromium.driver.findElements(By.cssSelector("#telemetry-table tbody tr"));
    }

    private int chartPoints() {
        String points = element("chart-summary").getAttribute("data-points");
        return points == null ? 0 : Integer.parseInt(points);
    }

    private long newestSequenceNumber() {
        return Long.parseLong(telemetryRows().get(0).getAttribute("data-sequence-number"));
    }

    private List<Long> sequenceNumbersAfter(long sequenceNumber) {
        return telemetryRows().stream().map(row -> Long.parseLong(row.getAttribute("data-sequence-number")))
                .filter(number -> number > sequenceNumber).sorted().toList();
    }

    /** The enqueued times of the rows newer than {@code sequenceNumber}, oldest first, as the page holds them. */
    private List<Instant> enqueuedTimesAfter(long sequenceNumber) {
        return telemetryRows().stream()
                .filter(row -> Long.parseLong(row.getAttribute("data-sequence-number")) > sequenceNumber)
                .map(row -> Instant.parse(row.findElement(By.cssSelector("td[data-enqueued-time]"))
                        .getAttribute("data-enqueued-time")))
                .sorted().toList();
    }

    private long reportedVersion() {
        Matcher version = Pattern.compile("\\(\\$version (\\d+)\\)").matcher(text(By.id("twin-reported-version")));
        assertThat(version.matches()).isTrue();
        return Long.parseLong(version.group(1));
    }

    private WebElement element(String id) {
        return chromium.driver.findElement(By.id(id));
    }

    private String text(By by) {
        List<WebElement> found = chromium.driver.findElements(by);
        return found.isEmpty() ? "" : found.get(0).getText();
    }

    private void click(String id) {
        element(id).click();
    }

    /** Selects what a field holds and types over it, as a person would. */
    private void replace(WebElement field, String text) {
        field.sendKeys(Keys.chord(Keys.CONTROL, "a"));
        field.sendKeys(text);
    }

    private void await(java.util.function.BooleanSupplier condition) {
        // The page redraws what it shows while the test reads it: a vanished element means "look again".
        new WebDriverWait(chromium.driver, WAIT).ignoring(StaleElementReferenceException.class)
                .until(driver -> condition.getAsBoolean());
    }
}
