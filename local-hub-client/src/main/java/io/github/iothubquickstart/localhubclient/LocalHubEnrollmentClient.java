package io.github.iothubquickstart.localhubclient;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * A running local hub's Device Provisioning Service enrollments through DPS's own service API ({@code GET} and
 * {@code PUT /enrollments/{id}}), signed with the provisioning service policy the hub published: how the simulated
 * device enrolls itself on a hub of another process, as {@link LocalHubRegistryClient} registers a device.
 */
public final class LocalHubEnrollmentClient {
    /** The provisioning service API version of the SDKs' ProvisioningServiceClient 2.x. */
    static final String API_VERSION = "2021-10-01";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration TOKEN_VALIDITY = Duration.ofMinutes(5);

    private final RunningHub hub;
    private final HttpClient http;
    private final Clock clock;

    public LocalHubEnrollmentClient(RunningHub hub, SSLContext trust, Clock clock) {
        if (!hub.publishesProvisioning()) {
            throw new IllegalArgumentException("the hub at " + hub.hostName() + " publishes no provisioning service");
        }
        this.hub = hub;
        this.clock = clock;
        this.http = HttpClient.newBuilder().sslContext(trust).connectTimeout(TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** A client trusting only the hub's CA, from its data directory. */
    public static LocalHubEnrollmentClient forHub(Path dataDirectory, RunningHub hub) {
        return new LocalHubEnrollmentClient(hub, CaTrust.trustingOnly(hub.caCertificateFile(dataDirectory)),
                Clock.systemUTC());
    }

    /**
     * The primary key of the individual enrollment {@code registrationId}, creating it first (symmetric key
     * attestation, keys {@code primaryKey} and {@code secondaryKey}) if the hub does not have it.
     */
    public String symmetricKey(String registrationId, String primaryKey, String secondaryKey) {
        HttpResponse<String> existing = send(request(registrationId).GET(), "GET", registrationId);
        if (existing.statusCode() != 404) {
            requireSuccess(existing, "GET", registrationId);
            return primaryKeyIn(existing, registrationId);
        }
        JsonObject keys = new JsonObject();
        keys.addProperty("primaryKey", primaryKey);
        keys.addProperty("secondaryKey", secondaryKey);
        JsonObject attestation = new JsonObject();
        attestation.addProperty("type", "symmetricKey");
        attestation.add("symmetricKey", keys);
        JsonObject enrollment = new JsonObject();
        enrollment.addProperty("registrationId", registrationId);
        enrollment.add("attestation", attestation);
        HttpResponse<String> created = send(request(registrationId).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(enrollment.toString())), "PUT", registrationId);
        requireSuccess(created, "PUT", registrationId);
        return primaryKeyIn(created, registrationId);
    }

    private HttpRequest.Builder request(String registrationId) {
        URI uri = URI.create("https://" + hub.hostName() + ":" + hub.httpsPort() + "/enrollments/"
                + URLEncoder.encode(registrationId, StandardCharsets.UTF_8).replace("+", "%20")
                + "?api-version=" + API_VERSION);
        return HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Authorization", ServiceSasToken.create(hub.hostName(), hub.provisioningPolicy(),
                        clock.instant().plus(TOKEN_VALIDITY)))
                .header("Accept", "application/json");
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String method, String registrationId) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new LocalHubClientException("cannot reach the local hub at " + hub.hostName() + ":" + hub.httpsPort()
                    + " to " + method + " enrollment " + registrationId + " (" + e + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalHubClientException("interrupted while asking the local hub for enrollment " + registrationId,
                    e);
        }
    }

    private void requireSuccess(HttpResponse<String> response, String method, String registrationId) {
        if (response.statusCode() / 100 != 2) {
            throw new LocalHubClientException("the local hub at " + hub.hostName() + ":" + hub.httpsPort()
                    + " answered " + method + " /enrollments/" + registrationId + " with HTTP " + response.statusCode()
                    + messageIn(response.body()));
        }
    }

    private String primaryKeyIn(HttpResponse<String> response, String registrationId) {
        Optional<String> key = Optional.empty();
        try {
            JsonObject attestation = JsonParser.parseString(response.body()).getAsJsonObject()
                    .getAsJsonObject("attestation");
            JsonObject symmetricKey = attestation == null ? null : attestation.getAsJsonObject("symmetricKey");
            JsonElement primary = symmetricKey == null ? null : symmetricKey.get("primaryKey");
            key = primary == null || !primary.isJsonPrimitive() ? Optional.empty()
                    : Optional.of(primary.getAsString()).filter(value -> !value.isBlank());
        } catch (JsonParseException | IllegalStateException | ClassCastException e) {
            // reported below
        }
        return key.orElseThrow(() -> new LocalHubClientException("the local hub's enrollment " + registrationId
                + " has no symmetric key (an X.509 enrollment?): delete it with 'java -jar "
                + "local-hub/target/local-hub.jar enrollment delete --registration-id " + registrationId + "'"));
    }

    private static String messageIn(String body) {
        try {
            JsonElement message = JsonParser.parseString(body).getAsJsonObject().get("message");
            return message != null && message.isJsonPrimitive() ? ": " + message.getAsString() : "";
        } catch (JsonParseException | IllegalStateException e) {
            return "";
        }
    }
}
