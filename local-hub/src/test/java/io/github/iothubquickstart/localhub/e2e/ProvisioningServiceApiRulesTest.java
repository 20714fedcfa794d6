package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.data.ProvisioningServicePolicy;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The provisioning service API's rules as raw HTTPS shows them: DPS's flat error body and codes (401002, 404201,
 * 404204, 404202, 412, 400), its query paging headers, the bulk operation's limits, and that its paths and the
 * hub's own stay apart (a DPS key opens no hub path, a hub key no DPS path).
 */
class ProvisioningServiceApiRulesTest {
    private static final String API_VERSION = "2019-03-31";
    private static final String SYMMETRIC = "{\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":{}}}";

    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();
    static SharedAccessPolicy dps;
    static HttpClient http;

    @BeforeAll
    static void setUp() {
        dps = ProvisioningServicePolicy.loadOrCreate(hub.dataDirectory());
        http = HttpClient.newBuilder().sslContext(hub.trustHubCa).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void aRequestWithoutTokenOrWithTheHubsKeyIsRefusedWithDpsBody() throws Exception {
        HttpResponse<String> none = send("GET", "/enrollments/anyone", null, null, List.of());
        HttpResponse<String> hubOwner = send("GET", "/enrollments/anyone", null, hub.sasToken("iothubowner"), List.of());
        HttpResponse<String> expired = send("GET", "/enrollments/anyone", null,
                SasSigner.sign(dps.primaryKey(), hub.hub.hostName(), Instant.now().minusSeconds(5).getEpochSecond(),
                        dps.name()), List.of());
        HttpResponse<String> otherHost = send("GET", "/enrollments/anyone", null,
                SasSigner.sign(dps.primaryKey(), "other.example.com", Instant.now().plusSeconds(600).getEpochSecond(),
                        dps.name()), List.of());

        for (HttpResponse<String> refused : List.of(none, hubOwner, expired, otherHost)) {
            assertThat(refused.statusCode()).isEqualTo(401);
            JsonObject body = JsonParser.parseString(refused.body()).getAsJsonObject();
            assertThat(body.get("errorCode").getAsInt()).isEqualTo(401002);
            assertThat(body.keySet()).containsExactlyInAnyOrder("errorCode", "trackingId", "message", "timestampUtc");
        }
        assertThat(message(hubOwner)).contains("iothubowner");
        assertThat(message(expired)).contains("expired");
    }

    @Test
    void theProvisioningKeyOpensNoPathOfTheHub() throws Exception {
        HttpResponse<String> response = send("GET", "/devices/anyone", null, dpsToken(), List.of());

        assertThat(response.statusCode()).isEqualTo(401);
        // IoT Hub's body, not DPS's: the hub's own route answered.
        assertThat(JsonParser.parseString(response.body()).getAsJsonObject().has("Message")).isTrue();
    }

    @Test
    void aDevicesRegistrationPathIsNotTheServiceApis() throws Exception {
        HttpResponse<String> response = send("PUT", "/" + hub.hub.idScope() + "/registrations/device-r/register",
                "{\"registrationId\":\"device-r\"}", null, List.of());

        // Whatever answers a device's registration (another route, or 501), the service API's token check did not.
        assertThat(response.body()).doesNotContain("The Authorization header with a SAS token is missing.");
    }

    @Test
    void unknownRecordsAreNotFoundWithDpsCodes() throws Exception {
        assertThat(errorCode(send("GET", "/enrollments/nobody", null, dpsToken(), List.of()))).isEqualTo(404201);
        assertThat(errorCode(send("DELETE", "/enrollments/nobody", null, dpsToken(), List.of()))).isEqualTo(404201);
        assertThat(errorCode(send("GET", "/enrollmentGroups/nogroup", null, dpsToken(), List.of()))).isEqualTo(404204);
        assertThat(errorCode(send("GET", "/registrations/nobody", null, dpsToken(), List.of()))).isEqualTo(404202);
        assertThat(errorCode(send("POST", "/registrations/nogroup/query", "{\"query\":\"SELECT * FROM x\"}",
                dpsToken(), List.of()))).isEqualTo(404204);
    }

    @Test
    void aStaleEtagIsRefused412AndTheRecordStays() throws Exception {
        HttpResponse<String> created = send("PUT", "/enrollments/stale-etag", SYMMETRIC, dpsToken(), List.of());
        String etag = JsonParser.parseString(created.body()).getAsJsonObject().get("etag").getAsString();

        HttpResponse<String> staleUpdate = send("PUT", "/enrollments/stale-etag", SYMMETRIC, dpsToken(),
                List.of("If-Match", "\"not-" + etag + "\""));
        HttpResponse<String> staleDelete = send("DELETE", "/enrollments/stale-etag", null, dpsToken(),
                List.of("If-Match", "not-" + etag));
        HttpResponse<String> quotedCurrent = send("DELETE", "/enrollments/stale-etag", null, dpsToken(),
                List.of("If-Match", "\"" + etag + "\""));

        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(staleUpdate.statusCode()).isEqualTo(412);
        assertThat(staleDelete.statusCode()).isEqualTo(412);
        assertThat(quotedCurrent.statusCode()).isEqualTo(204);
    }

    @Test
    void malformedEnrollmentsAreRefused400AndNothingIsKept() throws Exception {
        List<String> bodies = List.of("not json", "[1]", "{}",
                "{\"attestation\":{\"type\":\"tpm\",\"tpm\":{\"endorsementKey\":\"AA==\"}}}",
                "{\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":{\"primaryKey\":\"c2hvcnQ=\"}}}",
                "{\"attestation\":{\"type\":\"x509\",\"x509\":{\"clientCertificates\":{\"primary\":"
                        + "{\"certificate\":\"not a certificate\"}}}}}",
                "{\"registrationId\":\"someone-else\"," + SYMMETRIC.substring(1),
                "{\"provisioningStatus\":\"sleeping\"," + SYMMETRIC.substring(1));

        for (String body : bodies) {
            HttpResponse<String> response = send("PUT", "/enrollments/malformed", body, dpsToken(), List.of());
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(JsonParser.parseString(response.body()).getAsJsonObject().get("errorCode").getAsInt())
                    .as(body).isBetween(400000, 400999);
        }
        assertThat(send("PUT", "/enrollments/bad..id.", SYMMETRIC, dpsToken(), List.of()).statusCode()).isEqualTo(400);
        assertThat(send("GET", "/enrollments/malformed", null, dpsToken(), List.of()).statusCode()).isEqualTo(404);
    }

    @Test
    void aCallWithoutApiVersionIsRefused() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://" + hub.hub.serviceHost()
                        + "/enrollments/anyone")).header("Authorization", dpsToken()).GET().build();

        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JsonParser.parseString(response.body()).getAsJsonObject().has("errorCode")).isTrue();
    }

    @Test
    void queriesPageWithDpsHeadersAndRefuseWhatTheyCannotAnswer() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(send("PUT", "/enrollments/paged-" + i, SYMMETRIC, dpsToken(), List.of()).statusCode())
                    .isEqualTo(200);
        }
        String query = "{\"query\":\"SELECT * FROM enrollments\"}";
        Set<String> seen = new HashSet<>();
        List<Integer> pageSizes = new ArrayList<>();
        String continuation = null;
        do {
            List<String> headers = new ArrayList<>(List.of("x-ms-max-item-count", "2"));
            if (continuation != null) {
                headers.addAll(List.of("x-ms-continuation", continuation));
            }
            HttpResponse<String> page = send("POST", "/enrollments/query", query, dpsToken(), headers);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("x-ms-item-type")).hasValue("enrollment");
            JsonArray items = JsonParser.parseString(page.body()).getAsJsonArray();
            pageSizes.add(items.size());
            items.forEach(item -> assertThat(seen.add(item.getAsJsonObject().get("registrationId").getAsString()))
                    .isTrue());
            continuation = page.headers().firstValue("x-ms-continuation").orElse(null);
        } while (continuation != null);

        assertThat(seen).contains("paged-0", "paged-1", "paged-2", "paged-3", "paged-4");
        assertThat(pageSizes).allMatch(size -> size <= 2);
        assertThat(send("POST", "/enrollments/query", query, dpsToken(), List.of("x-ms-max-item-count", "zero"))
                .statusCode()).isEqualTo(400);
        assertThat(send("POST", "/enrollments/query", query, dpsToken(), List.of("x-ms-continuation", "forged"))
                .statusCode()).isEqualTo(400);
        assertThat(send("POST", "/enrollments/query", "{\"query\":\"SELECT * FROM enrollments WHERE x = 1\"}",
                dpsToken(), List.of()).statusCode()).isEqualTo(400);
    }

    @Test
    void aBulkOperationTakesAtMostTenEnrollmentsAndAKnownMode() throws Exception {
        StringBuilder eleven = new StringBuilder("{\"mode\":\"create\",\"enrollments\":[");
        for (int i = 0; i < 11; i++) {
            eleven.append(i == 0 ? "" : ",").append("{\"registrationId\":\"bulk-many-").append(i).append("\",")
                    .append(SYMMETRIC.substring(1));
        }
        eleven.append("]}");

        HttpResponse<String> tooMany = send("POST", "/enrollments", eleven.toString(), dpsToken(), List.of());
        HttpResponse<String> badMode = send("POST", "/enrollments", "{\"mode\":\"upsert\",\"enrollments\":[{"
                + "\"registrationId\":\"bulk-mode\"," + SYMMETRIC.substring(1) + "]}", dpsToken(), List.of());

        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(badMode.statusCode()).isEqualTo(400);
        assertThat(send("GET", "/enrollments/bulk-many-0", null, dpsToken(), List.of()).statusCode()).isEqualTo(404);
    }

    private static String dpsToken() {
        return SasSigner.sign(dps.primaryKey(), hub.hub.hostName(), Instant.now().plusSeconds(600).getEpochSecond(),
                dps.name());
    }

    private static HttpResponse<String> send(String method, String path, String body, String token,
                                             List<String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://" + hub.hub.serviceHost() + path
                        + "?api-version=" + API_VERSION))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", token);
        }
        for (int i = 0; i < headers.size(); i += 2) {
            request.header(headers.get(i), headers.get(i + 1));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int errorCode(HttpResponse<String> response) {
        return JsonParser.parseString(response.body()).getAsJsonObject().get("errorCode").getAsInt();
    }

    private static String message(HttpResponse<String> response) {
        return JsonParser.parseString(response.body()).getAsJsonObject().get("message").getAsString();
    }
}
