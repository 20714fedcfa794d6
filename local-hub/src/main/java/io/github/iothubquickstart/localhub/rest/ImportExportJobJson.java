package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.importexport.ImportExportJob;
import io.github.iothubquickstart.localhub.importexport.JobRequest;
import io.github.iothubquickstart.localhub.importexport.JobType;
import io.github.iothubquickstart.localhub.importexport.StorageAuthentication;
import java.time.Instant;

/**
 * IoT Hub's {@code JobProperties} of an import or export job, both ways: the request of {@code POST /jobs/create}
 * and the job as every jobs call answers it.
 */
final class ImportExportJobJson {
    private ImportExportJobJson() {
    }

    static JobRequest parse(String body) {
        JsonObject json = JsonBodies.requireObject(body, "with type and the blob container URIs");
        String typeText = DeviceJson.string(json, "type");
        JobType type = JobType.parse(typeText).orElseThrow(() -> IotHubErrors.argumentInvalid(
                "type must be export or import, not " + typeText + "."));
        String authenticationText = DeviceJson.string(json, "storageAuthenticationType");
        StorageAuthentication authentication = authenticationText == null ? StorageAuthentication.KEY_BASED
                : StorageAuthentication.parse(authenticationText).orElseThrow(() -> IotHubErrors.argumentInvalid(
                        "storageAuthenticationType must be keyBased or identityBased, not " + authenticationText + "."));
        String input = AuthenticationJson.blankToNull(DeviceJson.string(json, "inputBlobContainerUri"));
        String output = AuthenticationJson.blankToNull(DeviceJson.string(json, "outputBlobContainerUri"));
        if (type == JobType.EXPORT && output == null) {
            throw IotHubErrors.argumentInvalid("An export job needs outputBlobContainerUri: the URI of the blob"
                    + " container to write devices.txt to, with a SAS token.");
        }
        if (type == JobType.IMPORT && input == null) {
            throw IotHubErrors.argumentInvalid("An import job needs inputBlobContainerUri: the URI of the blob"
                    + " container holding devices.txt, with a SAS token.");
        }
        JsonObject identity = DeviceJson.objectMember(json, "identity");
        return new JobRequest(type, input, type == JobType.IMPORT && output == null ? input : output,
                AuthenticationJson.blankToNull(DeviceJson.string(json, "inputBlobName")),
                AuthenticationJson.blankToNull(DeviceJson.string(json, "outputBlobName")),
                bool(json, "excludeKeysInExport"), authentication,
                identity == null ? null : DeviceJson.string(identity, "userAssignedIdentity"),
                bool(json, "includeConfigurations"),
                AuthenticationJson.blankToNull(DeviceJson.string(json, "configurationsBlobName")));
    }

    static JsonObject toJson(ImportExportJob job) {
        JobRequest request = job.request();
        JsonObject json = new JsonObject();
        json.addProperty("jobId", job.jobId());
        addTime(json, "startTimeUtc", job.startTime());
        addTime(json, "endTimeUtc", job.endTime());
        json.addProperty("type", job.type().wireName());
        json.addProperty("status", job.status().wireName());
        json.addProperty("progress", job.progress());
        if (request.inputBlobContainerUri() != null) {
            json.addProperty("inputBlobContainerUri", request.inputBlobContainerUri());
        }
        json.addProperty("outputBlobContainerUri", request.outputBlobContainerUri());
        if (request.inputBlobName() != null) {
            json.addProperty("inputBlobName", request.inputBlobName());
        }
        if (request.outputBlobName() != null) {
            json.addProperty("outputBlobName", request.outputBlobName());
        }
        json.addProperty("excludeKeysInExport", request.excludeKeysInExport());
        if (job.failureReason() != null) {
            json.addProperty("failureReason", job.failureReason());
        }
        json.addProperty("storageAuthenticationType", request.storageAuthentication().wireName());
        if (request.userAssignedIdentity() != null) {
            JsonObject identity = new JsonObject();
            identity.addProperty("userAssignedIdentity", request.userAssignedIdentity());
            json.add("identity", identity);
        }
        json.addProperty("includeConfigurations", request.includeConfigurations());
        if (request.configurationsBlobName() != null) {
            json.addProperty("configurationsBlobName", request.configurationsBlobName());
        }
        return json;
    }

    private static void addTime(JsonObject json, String name, Instant time) {
        if (time != null) {
            json.addProperty(name, time.toString());
        }
    }

    private static boolean bool(JsonObject json, String name) {
        JsonElement member = json.get(name);
        if (member == null || member.isJsonNull()) {
            return false;
        }
        if (member.isJsonPrimitive() && member.getAsJsonPrimitive().isBoolean()) {
            return member.getAsBoolean();
        }
        // The Node SDK passes what its caller gave, so "true" and "false" arrive as strings too.
        if (member.isJsonPrimitive() && member.getAsJsonPrimitive().isString()
                && (member.getAsString().equalsIgnoreCase("true") || member.getAsString().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(member.getAsString());
        }
        throw IotHubErrors.argumentInvalid(name + " must be true or false.");
    }
}
