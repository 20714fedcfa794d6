package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.provisioning.RegistrationState;

/** A device's registration state in DPS's JSON ({@code DeviceRegistrationState}), as the service API answers it. */
final class RegistrationStateJson {
    private RegistrationStateJson() {
    }

    static JsonObject toJson(RegistrationState state) {
        JsonObject json = new JsonObject();
        json.addProperty("registrationId", state.registrationId());
        if (state.createdDateTimeUtc() != null) {
            json.addProperty("createdDateTimeUtc", state.createdDateTimeUtc().toString());
        }
        if (state.assignedHub() != null) {
            json.addProperty("assignedHub", state.assignedHub());
        }
        if (state.deviceId() != null) {
            json.addProperty("deviceId", state.deviceId());
        }
        json.addProperty("status", state.status().wireName());
        if (state.substatus() != null) {
            json.addProperty("substatus", state.substatus().wireName());
        }
        if (state.errorCode() != null) {
            json.addProperty("errorCode", state.errorCode());
        }
        if (state.errorMessage() != null) {
            json.addProperty("errorMessage", state.errorMessage());
        }
        if (state.lastUpdatedDateTimeUtc() != null) {
            json.addProperty("lastUpdatedDateTimeUtc", state.lastUpdatedDateTimeUtc().toString());
        }
        if (state.etag() != null) {
            json.addProperty("etag", state.etag());
        }
        if (state.payload() != null) {
            json.add("payload", state.payload());
        }
        return json;
    }
}
