package io.github.iothubquickstart.localhub.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.e2e.TestHub;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.github.iothubquickstart.localhub.tls.ClientCertificates;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dashboard over HTTPS as a browser meets it: the page and its files with their security headers, the REST API
 * with the dashboard token as a bearer token, 401 without a valid one, 403 for another site's requests, and in
 * every refused case no change to the registry.
 */
class DashboardHttpTest {
    private static final String API = "?api-version=2021-04-12";

    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();
    static HttpClient http;
    static String base;
    static String token;

    @BeforeAll
    static void setUp() {
        http = HttpClient.newBuilder().sslContext(TrustedCa.trustingOnly(hub.hub.caCertificateFile()))
                .connectTimeout(Duration.ofSeconds(5)).build();
        base = "https://" + hub.address() + ":" + hub.hub.httpsPort();
        Matcher url = Pattern.compile(Pattern.quote(base) + "/#token=([A-Za-z0-9_-]{43})").matcher(hub.hub.dashboardUrl());
        assertThat(url.matches()).as(hub.hub.dashboardUrl()).isTrue();
        token = url.group(1);
    }

    @Test
    void thePageIsServedAtTheRootWithAStrictContentSecurityPolicy() throws Exception {
        HttpResponse<String> page = send(get("/"));

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(page.body()).doesNotContainPattern("<script(?![^>]*\\bsrc=)").doesNotContain(" style=")
                .doesNotContain("http://").doesNotContain("https://");
    }

    @Test
    void everyFileThePageLoadsIsServedWithItsTypeAndNothingElseIs() throws Exception {
        String page = send(get("/")).body();
        Matcher references = Pattern.compile("(?:src|href)=\"(/dashboard/[^\"]+)\"").matcher(page);
        int found = 0;
        while (references.find()) {
            found++;
            HttpResponse<String> file = send(get(references.group(1)));
            assertThat(file.statusCode()).as(references.group(1)).isEqualTo(200);
            assertThat(file.headers().firstValue("Content-Type").orElseThrow()).as(references.group(1))
                    .matches(references.group(1).endsWith(".js") ? "text/javascript.*"
                            : references.group(1).endsWith(".css") ? "text/css.*" : "text/plain.*");
        }
        assertThat(found).isGreaterThanOrEqualTo(4);
        HttpResponse<String> uplot = send(get("/dashboard/vendor/uPlot.esm.js"));
        assertThat(uplot.body()).contains("export { uPlot as default }");
        assertThat(send(get("/dashboard/../registry.db")).statusCode()).isNotEqualTo(200);
        assertThat(send(get("/dashboard/nothing.js")).statusCode()).isEqualTo(501);
    }

    @Test
    void theTokenOpensTheApiAsABearerToken() throws Exception {
        HttpResponse<String> devices = send(get("/devices" + API).header("Authorization", "Bearer " + token));

        assertThat(devices.statusCode()).isEqualTo(200);
        assertThat(devices.body()).contains("\"deviceId\":\"MyJavaDevice\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Bearer ", "Bearer wrong", "Bearer 0000000000000000000000000000000000000000000"})
    void noOrWrongTokenIs401AndChangesNothing(String authorization) throws Exception {
        HttpRequest.Builder create = request("/devices/intruder" + API)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"deviceId\":\"intruder\"}"));
        if (!authorization.isEmpty()) {
            create.header("Authorization", authorization);
        }
        HttpResponse<String> answer = send(create);

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.body()).contains("\"errorCode\":401002");
        assertThat(hub.hub.identity().registry().findDevice("intruder")).isEmpty();
    }

    @Test
    void aCrossOriginWriteIsRefusedEvenWithTheToken() throws Exception {
        HttpResponse<String> answer = send(createDevice("fromEvil", Map.of("Origin", "https://evil.example")));

        assertThat(answer.statusCode()).isEqualTo(403);
        assertThat(answer.body()).contains("Refused: a request from https://evil.example");
        assertThat(hub.hub.identity().registry().findDevice("fromEvil")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"cross-site", "same-site"})
    void aRequestABrowserMarksAsFromAnotherSiteIsRefused(String fetchSite) throws Exception {
        HttpResponse<String> answer = send(createDevice("fromOtherSite", Map.of("Sec-Fetch-Site", fetchSite)));

        assertThat(answer.statusCode()).isEqualTo(403);
        assertThat(hub.hub.identity().registry().findDevice("fromOtherSite")).isEmpty();
    }

    /**
     * The router serves the normalized path, so a path that only looks like a dashboard file (dot segments, encoded
     * dots, doubled or encoded slashes, a matrix parameter, another case) is an API call and guarded as one.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/dashboard/../devices/", "/dashboard/%2e%2e/devices/", "/dashboard/%2E%2E/devices/",
            "/dashboard/./../devices/", "/dashboard/app.js/../../devices/", "/dashboard/..%2fdevices/",
            "/dashboard//../devices/", "//devices/", "/dashboard/;/../devices/", "/DASHBOARD/../devices/",
            "/dashboard/%2e%2e%2fdevices/", "/./dashboard/../devices/"})
    void aCrossSiteWriteDressedAsADashboardFileIsRefused(String prefix) throws Exception {
        String deviceId = "evil" + Integer.toHexString(prefix.hashCode());
        HttpRequest.Builder create = HttpRequest.newBuilder(URI.create(base + prefix + deviceId + API))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token)
                .header("Origin", "https://evil.example")
                .header("Sec-Fetch-Site", "cross-site")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"deviceId\":\"" + deviceId + "\"}"));

        HttpResponse<String> answer = send(create);

        assertThat(answer.statusCode()).as(answer.body()).isIn(403, 404);
        assertThat(hub.hub.identity().registry().findDevice(deviceId)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"DELETE", "PATCH", "POST"})
    void otherWritesDressedAsADashboardFileAreRefused(String method) throws Exception {
        hub.hub.identity().registry().findDevice("MyJavaDevice").orElseThrow();
        String path = switch (method) {
            case "DELETE" -> "/dashboard/%2e%2e/devices/MyJavaDevice";
            case "PATCH" -> "/dashboard/%2e%2e/twins/MyJavaDevice";
            default -> "/dashboard/%2e%2e/twins/MyJavaDevice/methods";
        };
        String body = switch (method) {
            case "PATCH" -> "{\"properties\":{\"desired\":{\"evil\":1}}}";
            case "POST" -> "{\"methodName\":\"SetTelemetryInterval\",\"payload\":1,\"responseTimeoutInSeconds\":5}";
            default -> "";
        };
        HttpRequest.Builder write = HttpRequest.newBuilder(URI.create(base + path + API))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token)
                .header("If-Match", "*")
                .header("Origin", "https://evil.example")
                .header("Sec-Fetch-Site", "cross-site")
                .method(method, HttpRequest.BodyPublishers.ofString(body));

        HttpResponse<String> answer = send(write);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(403);
        assertThat(hub.hub.identity().registry().findDevice("MyJavaDevice")).isPresent();
        assertThat(hub.hub.identity().twins().load(IdentityId.device("MyJavaDevice")).toString()).doesNotContain("evil");
    }

    @Test
    void anOriginOnAnotherPortOfTheSameHostIsAnotherOrigin() throws Exception {
        HttpResponse<String> answer = send(createDevice("fromOtherPort",
                Map.of("Origin", "https://" + hub.address() + ":" + (hub.hub.httpsPort() + 1))));

        assertThat(answer.statusCode()).isEqualTo(403);
        assertThat(hub.hub.identity().registry().findDevice("fromOtherPort")).isEmpty();
    }

    @Test
    void theDashboardsOwnWritesPass() throws Exception {
        HttpResponse<String> answer = send(createDevice("fromDashboard",
                Map.of("Origin", base, "Sec-Fetch-Site", "same-origin")));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(hub.hub.identity().registry().findDevice("fromDashboard")).isPresent();
    }

    @Test
    void aSharedAccessPolicySasStillWorksBesideTheToken() throws Exception {
        SharedAccessPolicy owner = hub.hub.identity().registry().findPolicy("iothubowner").orElseThrow();
        String sas = SasSigner.sign(owner.primaryKey(), hub.address(), Instant.now().plusSeconds(600).getEpochSecond(),
                owner.name());

        assertThat(send(get("/devices" + API).header("Authorization", sas)).statusCode()).isEqualTo(200);
    }

    @Test
    void theMonitorStreamTakesTheTokenInAHeader() throws Exception {
        hub.hub.telemetry().accept("MyJavaDevice", Map.of(), Map.of(), "{\"temperature\":21.5}".getBytes(StandardCharsets.UTF_8))
                .get();
        HttpResponse<InputStream> stream = http.send(get("/monitor/events" + API + "&from=0")
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            assertThat(stream.statusCode()).isEqualTo(200);
            String line;
            do {
                line = lines.readLine();
            } while (line != null && !line.startsWith("data: "));
            assertThat(line).contains("\"deviceId\":\"MyJavaDevice\"").contains("\"temperature\":21.5");
        }
    }

    @Test
    void theTrustedCaCertificatesAreListedForTheDashboardWithTheToken() throws Exception {
        Instant now = Instant.now();
        ClientCertificates.Issued root = ClientCertificates.rootCa("Dashboard Root", now.minusSeconds(60),
                now.plus(Duration.ofDays(30)));
        hub.hub.identity().caCertificates().add("dashboard-root", root.certificate());
        try {
            HttpResponse<String> answer = send(get("/certificates" + API).header("Authorization", "Bearer " + token));

            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            JsonObject entry = JsonParser.parseString(answer.body()).getAsJsonObject().getAsJsonArray("value")
                    .get(0).getAsJsonObject();
            assertThat(entry.get("name").getAsString()).isEqualTo("dashboard-root");
            JsonObject properties = entry.getAsJsonObject("properties");
            assertThat(properties.get("subject").getAsString()).isEqualTo("CN=Dashboard Root");
            assertThat(properties.get("thumbprint").getAsString())
                    .isEqualTo(ClientCertificates.sha1Thumbprint(root.certificate()));
            assertThat(properties.get("thumbprintSha256").getAsString())
                    .isEqualTo(ClientCertificates.sha256Thumbprint(root.certificate()));
            assertThat(Instant.parse(properties.get("expiry").getAsString()))
                    .isEqualTo(root.certificate().getNotAfter().toInstant());
            assertThat(properties.get("isVerified").getAsBoolean()).isTrue();
            assertThat(send(get("/certificates" + API)).statusCode()).as("no token").isEqualTo(401);
            assertThat(send(request("/certificates" + API).header("Authorization", "Bearer " + token)
                    .DELETE()).statusCode()).as("read-only").isNotEqualTo(200);
        } finally {
            hub.hub.identity().caCertificates().remove("dashboard-root");
        }
    }

    private static HttpRequest.Builder createDevice(String deviceId, Map<String, String> headers) {
        HttpRequest.Builder request = request("/devices/" + deviceId + API)
                .header("Authorization", "Bearer " + token)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"deviceId\":\"" + deviceId + "\"}"));
        headers.forEach(request::header);
        return request;
    }

    private static HttpRequest.Builder get(String path) {
        return request(path).GET();
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
