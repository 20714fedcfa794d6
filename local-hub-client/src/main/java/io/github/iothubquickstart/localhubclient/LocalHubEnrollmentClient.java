package io.github.iothubquickstart.localhubclient;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
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

    private final RunningHub hub;
    private final HubResourceCalls calls;

    public LocalHubEnrollmentClient(RunningHub hub, SSLContext trust, Clock clock) {
        if (!hub.publishesProvisioning()) {
            throw new IllegalArgumentException("the hub at " + hub.hostName() + " publishes no provisioning service");
        }
        this.hub = hub;
        this.calls = new HubResourceCalls(hub, trust, clock, "enrollments", "enrollment", hub.provisioningPolicy(),
                API_VERSION);
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
        HttpResponse<String> existing = calls.send(calls.request(registrationId).GET(), "GET", registrationId);
        if (existing.statusCode() != 404) {
            calls.requireSuccess(existing, "GET", registrationId);
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
        HttpResponse<String> created = calls.send(calls.request(registrationId)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(enrollment.toString())), "PUT", registrationId);
        calls.requireSuccess(created, "PUT", registrationId);
        return primaryKeyIn(created, registrationId);
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
}
