package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.provisioning.AllocationPolicy;
import io.github.iothubquickstart.localhub.provisioning.Attestation;
import io.github.iothubquickstart.localhub.provisioning.AttestationType;
import io.github.iothubquickstart.localhub.provisioning.CustomAllocationDefinition;
import io.github.iothubquickstart.localhub.provisioning.DeviceCapabilities;
import io.github.iothubquickstart.localhub.provisioning.EnrollmentCertificates;
import io.github.iothubquickstart.localhub.provisioning.EnrollmentGroup;
import io.github.iothubquickstart.localhub.provisioning.EnrollmentSettings;
import io.github.iothubquickstart.localhub.provisioning.IndividualEnrollment;
import io.github.iothubquickstart.localhub.provisioning.InitialTwin;
import io.github.iothubquickstart.localhub.provisioning.ProvisioningErrors;
import io.github.iothubquickstart.localhub.provisioning.ProvisioningStatus;
import io.github.iothubquickstart.localhub.provisioning.RegistrationState;
import io.github.iothubquickstart.localhub.provisioning.ReprovisionPolicy;
import io.github.iothubquickstart.localhub.provisioning.X509Attestation;
import io.github.iothubquickstart.localhub.provisioning.X509CaReferences;
import io.github.iothubquickstart.localhub.provisioning.X509Certificates;
import io.github.iothubquickstart.localhub.tls.ClientCertificates;
import io.github.iothubquickstart.localhub.wire.ProvisioningJson;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Individual enrollments and enrollment groups in DPS's JSON, read as {@code ProvisioningServiceClient} sends them
 * and written as it parses them. As DPS does, an X.509 attestation comes back as each certificate's {@code info}
 * (subject, issuer, thumbprints, validity), not the certificate itself; symmetric keys come back as they are.
 */
final class EnrollmentJson {
    private EnrollmentJson() {
    }

    /** A PUT body for {@code /enrollments/{registrationId}}; its registrationId, if any, must be the path's. */
    static IndividualEnrollment individualEnrollment(JsonObject json, String pathRegistrationId) {
        String registrationId = idMatching(json, "registrationId", pathRegistrationId);
        return new IndividualEnrollment(registrationId, string(json, "deviceId"), settings(json), string(json, "etag"),
                null, null);
    }

    /** A PUT body for {@code /enrollmentGroups/{id}}; its enrollmentGroupId, if any, must be the path's. */
    static EnrollmentGroup enrollmentGroup(JsonObject json, String pathGroupId) {
        String groupId = idMatching(json, "enrollmentGroupId", pathGroupId);
        return new EnrollmentGroup(groupId, settings(json), string(json, "etag"), null, null);
    }

    /** One enrollment of a bulk operation: it must name its registrationId. */
    static IndividualEnrollment bulkEnrollment(JsonElement element) {
        if (element == null || !element.isJsonObject()) {
            throw ProvisioningErrors.badRequest("Each of the bulk operation's enrollments must be a JSON object.");
        }
        JsonObject json = element.getAsJsonObject();
        String registrationId = string(json, "registrationId");
        if (registrationId == null) {
            throw ProvisioningErrors.badRequest("An enrollment of the bulk operation has no registrationId.");
        }
        return individualEnrollment(json, registrationId);
    }

    static JsonObject toJson(IndividualEnrollment enrollment, Optional<RegistrationState> registrationState) {
        JsonObject json = new JsonObject();
        json.addProperty("registrationId", enrollment.registrationId());
        if (enrollment.deviceId() != null) {
            json.addProperty("deviceId", enrollment.deviceId());
        }
        registrationState.ifPresent(state -> json.add("registrationState", ProvisioningJson.registrationState(state)));
        addSettings(json, enrollment.settings());
        json.addProperty("etag", enrollment.etag());
        addTimes(json, enrollment.createdDateTimeUtc(), enrollment.lastUpdatedDateTimeUtc());
        return json;
    }

    static JsonObject toJson(EnrollmentGroup group) {
        JsonObject json = new JsonObject();
        json.addProperty("enrollmentGroupId", group.enrollmentGroupId());
        addSettings(json, group.settings());
        json.addProperty("etag", group.etag());
        addTimes(json, group.createdDateTimeUtc(), group.lastUpdatedDateTimeUtc());
        return json;
    }

    /** What {@code POST .../attestationmechanism} answers. */
    static JsonObject attestationToJson(Attestation attestation) {
        JsonObject json = new JsonObject();
        json.addProperty("type", attestation.type().wireName());
        if (attestation.type() == AttestationType.SYMMETRIC_KEY) {
            JsonObject keys = new JsonObject();
            keys.addProperty("primaryKey", attestation.symmetricKey().primaryKey());
            keys.addProperty("secondaryKey", attestation.symmetricKey().secondaryKey());
            json.add("symmetricKey", keys);
        } else if (attestation.type() == AttestationType.X509) {
            json.add("x509", x509ToJson(attestation.x509()));
        }
        return json;
    }

    private static EnrollmentSettings settings(JsonObject json) {
        try {
            return new EnrollmentSettings(attestation(object(json, "attestation")), string(json, "iotHubHostName"),
                    initialTwin(object(json, "initialTwin")), provisioningStatus(json), reprovisionPolicy(json),
                    capabilities(json), allocationPolicy(json), customAllocation(object(json, "customAllocationDefinition")),
                    iotHubs(json));
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
            // Unknown enumeration names (provisioningStatus...) and wrongly typed values.
            throw ProvisioningErrors.badRequest("The enrollment is not valid: " + e.getMessage());
        }
    }

    private static Attestation attestation(JsonObject json) {
        if (json == null) {
            throw ProvisioningErrors.badRequest("The enrollment has no attestation.");
        }
        String type = string(json, "type");
        if (type == null) {
            throw ProvisioningErrors.badRequest("The enrollment's attestation has no type.");
        }
        AttestationType attestationType = AttestationType.fromWireName(type);
        return switch (attestationType) {
            case SYMMETRIC_KEY -> {
                JsonObject keys = object(json, "symmetricKey");
                yield Attestation.symmetricKey(keys == null ? null : string(keys, "primaryKey"),
                        keys == null ? null : string(keys, "secondaryKey"));
            }
            case X509 -> Attestation.x509(x509(object(json, "x509")));
            case TPM -> throw ProvisioningErrors.notSupported("TPM attestation");
        };
    }

    private static X509Attestation x509(JsonObject json) {
        if (json == null) {
            throw ProvisioningErrors.badRequest("The X.509 attestation has no x509 part.");
        }
        X509Certificates client = certificates(object(json, "clientCertificates"));
        X509Certificates signing = certificates(object(json, "signingCertificates"));
        JsonObject references = object(json, "caReferences");
        X509CaReferences caReferences = references == null ? null
                : new X509CaReferences(string(references, "primary"), string(references, "secondary"));
        int given = (client == null ? 0 : 1) + (signing == null ? 0 : 1) + (caReferences == null ? 0 : 1);
        if (given != 1) {
            throw ProvisioningErrors.badRequest("An X.509 attestation takes exactly one of clientCertificates,"
                    + " signingCertificates and caReferences.");
        }
        return new X509Attestation(client, signing, caReferences);
    }

    private static X509Certificates certificates(JsonObject json) {
        if (json == null) {
            return null;
        }
        JsonObject primary = object(json, "primary");
        JsonObject secondary = object(json, "secondary");
        return new X509Certificates(primary == null ? null : string(primary, "certificate"),
                secondary == null ? null : string(secondary, "certificate"));
    }

    private static InitialTwin initialTwin(JsonObject json) {
        if (json == null) {
            return null;
        }
        JsonObject properties = object(json, "properties");
        return new InitialTwin(withoutMetadata(object(json, "tags")),
                withoutMetadata(properties == null ? null : object(properties, "desired")));
    }

    /** The SDK may send {@code $metadata} and {@code $version}: the hub's, not the enrollment's, to keep. */
    private static JsonObject withoutMetadata(JsonObject section) {
        if (section == null) {
            return null;
        }
        JsonObject copy = section.deepCopy();
        copy.remove("$metadata");
        copy.remove("$version");
        return copy;
    }

    private static ProvisioningStatus provisioningStatus(JsonObject json) {
        String status = string(json, "provisioningStatus");
        return status == null ? null : ProvisioningStatus.fromWireName(status);
    }

    private static ReprovisionPolicy reprovisionPolicy(JsonObject json) {
        JsonObject policy = object(json, "reprovisionPolicy");
        if (policy == null) {
            return null;
        }
        return new ReprovisionPolicy(bool(policy, "updateHubAssignment", true), bool(policy, "migrateDeviceData", true));
    }

    private static DeviceCapabilities capabilities(JsonObject json) {
        JsonObject capabilities = object(json, "capabilities");
        return capabilities == null ? null : new DeviceCapabilities(bool(capabilities, "iotEdge", false));
    }

    private static AllocationPolicy allocationPolicy(JsonObject json) {
        String policy = string(json, "allocationPolicy");
        return policy == null ? null : AllocationPolicy.fromWireName(policy);
    }

    private static CustomAllocationDefinition customAllocation(JsonObject json) {
        return json == null ? null : new CustomAllocationDefinition(string(json, "webhookUrl"), string(json, "apiVersion"));
    }

    private static List<String> iotHubs(JsonObject json) {
        JsonElement hubs = json.get("iotHubs");
        if (hubs == null || hubs.isJsonNull()) {
            return null;
        }
        if (!hubs.isJsonArray()) {
            throw ProvisioningErrors.badRequest("iotHubs must be an array of host names.");
        }
        List<String> names = new ArrayList<>();
        for (JsonElement hub : hubs.getAsJsonArray()) {
            names.add(hub.getAsString());
        }
        return names;
    }

    private static void addSettings(JsonObject json, EnrollmentSettings settings) {
        json.add("attestation", attestationToJson(settings.attestation()));
        if (settings.iotHubHostName() != null) {
            json.addProperty("iotHubHostName", settings.iotHubHostName());
        }
        if (!settings.initialTwin().isEmpty()) {
            JsonObject twin = new JsonObject();
            if (settings.initialTwin().tags() != null) {
                twin.add("tags", settings.initialTwin().tags());
            }
            if (settings.initialTwin().desiredProperties() != null) {
                JsonObject properties = new JsonObject();
                properties.add("desired", settings.initialTwin().desiredProperties());
                twin.add("properties", properties);
            }
            json.add("initialTwin", twin);
        }
        json.addProperty("provisioningStatus", settings.provisioningStatus().wireName());
        JsonObject reprovision = new JsonObject();
        reprovision.addProperty("updateHubAssignment", settings.reprovisionPolicy().updateHubAssignment());
        reprovision.addProperty("migrateDeviceData", settings.reprovisionPolicy().migrateDeviceData());
        json.add("reprovisionPolicy", reprovision);
        JsonObject capabilities = new JsonObject();
        capabilities.addProperty("iotEdge", settings.capabilities().iotEdge());
        json.add("capabilities", capabilities);
        if (settings.allocationPolicy() != null) {
            json.addProperty("allocationPolicy", settings.allocationPolicy().wireName());
        }
        if (settings.customAllocationDefinition() != null) {
            JsonObject custom = new JsonObject();
            custom.addProperty("webhookUrl", settings.customAllocationDefinition().webhookUrl());
            custom.addProperty("apiVersion", settings.customAllocationDefinition().apiVersion());
            json.add("customAllocationDefinition", custom);
        }
        if (!settings.iotHubs().isEmpty()) {
            JsonArray hubs = new JsonArray();
            settings.iotHubs().forEach(hubs::add);
            json.add("iotHubs", hubs);
        }
    }

    private static JsonObject x509ToJson(X509Attestation x509) {
        JsonObject json = new JsonObject();
        if (x509.clientCertificates() != null) {
            json.add("clientCertificates", certificatesToJson(x509.clientCertificates()));
        }
        if (x509.signingCertificates() != null) {
            json.add("signingCertificates", certificatesToJson(x509.signingCertificates()));
        }
        if (x509.caReferences() != null) {
            JsonObject references = new JsonObject();
            references.addProperty("primary", x509.caReferences().primary());
            if (x509.caReferences().secondary() != null) {
                references.addProperty("secondary", x509.caReferences().secondary());
            }
            json.add("caReferences", references);
        }
        return json;
    }

    private static JsonObject certificatesToJson(X509Certificates certificates) {
        JsonObject json = new JsonObject();
        json.add("primary", certificateInfo(certificates.primary()));
        if (certificates.secondary() != null) {
            json.add("secondary", certificateInfo(certificates.secondary()));
        }
        return json;
    }

    /** {@code {"info":{...}}}: DPS answers what it knows of a certificate, never the certificate. */
    private static JsonObject certificateInfo(String certificate) {
        JsonObject info = new JsonObject();
        EnrollmentCertificates.parse(certificate).ifPresent(parsed -> fill(info, parsed));
        JsonObject json = new JsonObject();
        json.add("info", info);
        return json;
    }

    private static void fill(JsonObject info, X509Certificate certificate) {
        info.addProperty("subjectName", certificate.getSubjectX500Principal().getName());
        info.addProperty("sha1Thumbprint", ClientCertificates.sha1Thumbprint(certificate).toUpperCase(Locale.ROOT));
        info.addProperty("sha256Thumbprint", ClientCertificates.sha256Thumbprint(certificate).toUpperCase(Locale.ROOT));
        info.addProperty("issuerName", certificate.getIssuerX500Principal().getName());
        info.addProperty("notBeforeUtc", certificate.getNotBefore().toInstant().toString());
        info.addProperty("notAfterUtc", certificate.getNotAfter().toInstant().toString());
        info.addProperty("serialNumber", certificate.getSerialNumber().toString(16).toUpperCase(Locale.ROOT));
        info.addProperty("version", certificate.getVersion());
    }

    private static void addTimes(JsonObject json, Instant created, Instant lastUpdated) {
        if (created != null) {
            json.addProperty("createdDateTimeUtc", created.toString());
        }
        if (lastUpdated != null) {
            json.addProperty("lastUpdatedDateTimeUtc", lastUpdated.toString());
        }
    }

    private static String idMatching(JsonObject json, String field, String pathId) {
        String bodyId = string(json, field);
        if (bodyId != null && !bodyId.equals(pathId)) {
            throw ProvisioningErrors.badRequest("The body's " + field + " '" + bodyId + "' is not the path's '"
                    + pathId + "'.");
        }
        return pathId;
    }

    private static JsonObject object(JsonObject json, String field) {
        JsonElement value = json.get(field);
        if (value == null || value.isJsonNull()) {
            return null;
        }
        if (!value.isJsonObject()) {
            throw ProvisioningErrors.badRequest(field + " must be a JSON object.");
        }
        return value.getAsJsonObject();
    }

    private static String string(JsonObject json, String field) {
        JsonElement value = json.get(field);
        if (value == null || value.isJsonNull()) {
            return null;
        }
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw ProvisioningErrors.badRequest(field + " must be a string.");
        }
        return value.getAsString();
    }

    private static boolean bool(JsonObject json, String field, boolean absent) {
        JsonElement value = json.get(field);
        if (value == null || value.isJsonNull()) {
            return absent;
        }
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isBoolean()) {
            throw ProvisioningErrors.badRequest(field + " must be true or false.");
        }
        return value.getAsBoolean();
    }
}
