package io.github.iothubquickstart.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium driven by chromedriver, trusting the hub's CA and nothing else of ours: the CA goes into an NSS
 * database in a HOME of its own, where Chromium on Linux reads local trust anchors. No certificate error is
 * ignored. Without Chromium, chromedriver or certutil the calling test is skipped with one line saying how to run
 * it, unless {@code -Dlocalhub.requireBrowser=true} (CI) makes that a failure.
 */
final class HeadlessChromium implements AutoCloseable {
    static final String REQUIRE_BROWSER = "localhub.requireBrowser";
    private static final String HOW_TO_RUN = "Browser tests skipped: %s not found. To run them: apt-get install "
            + "chromium chromium-driver libnss3-tools (or -Dlocalhub.chromium=PATH -Dlocalhub.chromedriver=PATH); "
            + "-D" + REQUIRE_BROWSER + "=true turns this skip into a failure.";
    private static final AtomicBoolean TOLD = new AtomicBoolean();

    final ChromeDriver driver;
    private final ChromeDriverService service;

    private HeadlessChromium(ChromeDriverService service, ChromeDriver driver) {
        this.service = service;
        this.driver = driver;
    }

    /** A browser whose only extra trust anchor is {@code caCertificate}; its profile and HOME live in {@code work}. */
    static HeadlessChromium trusting(Path caCertificate, Path work) throws IOException, InterruptedException {
        Path chromium = find("localhub.chromium", "chromium", "chromium-browser", "google-chrome");
        Path chromedriver = find("localhub.chromedriver", "chromedriver");
        Path certutil = find("localhub.certutil", "certutil");
        Path home = Files.createDirectories(work.resolve("home"));
        Path nssDatabase = Files.createDirectories(home.resolve(".pki/nssdb"));
        run(certutil.toString(), "-d", "sql:" + nssDatabase, "-N", "--empty-password");
        run(certutil.toString(), "-d", "sql:" + nssDatabase, "-A", "-t", "C,,", "-n", "local-hub-test-ca",
                "-i", caCertificate.toString());

        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .withEnvironment(Map.of("HOME", home.toString()))
                .withLogOutput(java.io.OutputStream.nullOutputStream())
                .build();
        ChromeOptions options = new ChromeOptions()
                .setBinary(chromium.toFile())
                .addArguments("--headless=new", "--window-size=1280,1000", "--disable-gpu",
                        "--disable-dev-shm-usage", "--user-data-dir=" + work.resolve("profile"),
                        // Chromium's sandbox cannot start as root, which CI is; the pages are our own.
                        "--no-sandbox");
        return new HeadlessChromium(service, new ChromeDriver(service, options));
    }

    private static Path find(String property, String... names) {
        String configured = System.getProperty(property);
        if (configured != null && Files.isExecutable(Path.of(configured))) {
            return Path.of(configured);
        }
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : names) {
                Path candidate = Path.of(directory, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        if (Boolean.getBoolean(REQUIRE_BROWSER)) {
            throw new AssertionError("The browser tests are required (-D" + REQUIRE_BROWSER + "=true) but " + names[0]
                    + " was not found: apt-get install chromium chromium-driver libnss3-tools");
        }
        String message = String.format(HOW_TO_RUN, names[0]);
        if (TOLD.compareAndSet(false, true)) {
            System.out.println(message);
        }
        Assumptions.abort(message);
        throw new IllegalStateException("unreachable");
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }


    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
        }
    }
}
