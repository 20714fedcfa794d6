package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.auth.ServiceAuthenticator;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.faults.FaultInjector;
import io.github.iothubquickstart.localhub.faults.FaultRequest;
import io.github.iothubquickstart.localhub.faults.FaultType;
import io.github.iothubquickstart.localhub.registry.AccessRight;
import io.github.iothubquickstart.localhub.registry.DeviceIds;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * {@code POST /devices/{id}/faults} and {@code /devices/{id}/modules/{mid}/faults}: the local hub's own route (IoT Hub
 * has none) to set off a fault injection for a device that cannot send the fault message itself, as
 * {@code local-hub fault} does (SERVICE_CONNECT). Body: {@code {"type": "KillTcp", "reason": "Boom",
 * "delayInSeconds": 0, "durationInSeconds": 0}}, type as in {@code AzIoTHub_FaultOperationType}.
 */
public final class FaultRoutes {
    private final ServiceAuthenticator authenticator;
    private final FaultInjector faults;

    public FaultRoutes(ServiceAuthenticator authenticator, FaultInjector faults) {
        this.authenticator = authenticator;
        this.faults = faults;
    }

    void post(RoutingContext context) {
        authenticator.authorize(context.request().getHeader("Authorization"), AccessRight.SERVICE_CONNECT);
        String deviceId = context.pathParam("deviceId");
        String moduleId = context.pathParam("moduleId");
        if (!DeviceIds.isValid(deviceId) || (moduleId != null && !DeviceIds.isValid(moduleId))) {
            throw IotHubErrors.argumentInvalid("The device or module id is not valid.");
        }
        IdentityId identity = moduleId == null ? IdentityId.device(deviceId) : IdentityId.module(deviceId, moduleId);
        FaultRequest request = request(JsonBodies.requireObject(context.body().asString(),
                "with type, and optionally reason, delayInSeconds and durationInSeconds"));
        if (!faults.inject(identity, request)) {
            throw new IotHubError(404, 404103, "Device " + identity + " is not connected, or its protocol has no "
                    + request.type().wireName() + " fault.");
        }
        JsonObject answer = new JsonObject();
        answer.addProperty("deviceId", deviceId);
        answer.addProperty("moduleId", moduleId);
        answer.addProperty("type", request.type().wireName());
        answer.addProperty("reason", request.reason());
        answer.addProperty("delayInSeconds", request.delay().toSeconds());
        answer.addProperty("durationInSeconds", request.duration().toSeconds());
        JsonResponses.ok(context, answer, null);
    }

    private static FaultRequest request(JsonObject body) {
        String typeName = JsonBodies.optionalString(body, "type");
        FaultType type = typeName == null ? null : FaultType.named(typeName).orElse(null);
        if (type == null) {
            throw IotHubErrors.argumentInvalid("type must be one of IoT Hub's fault types (KillTcp, KillAmqpConnection,"
                    + " ..., InvokeAuthError), not " + typeName + ".");
        }
        try {
            return new FaultRequest(type, JsonBodies.optionalString(body, "reason"),
                    seconds(body, "delayInSeconds"), seconds(body, "durationInSeconds"));
        } catch (IllegalArgumentException e) {
            throw IotHubErrors.argumentInvalid(e.getMessage());
        }
    }

    private static Duration seconds(JsonObject body, String name) {
        JsonElement value = body.get(name);
        if (value == null || value.isJsonNull()) {
            return Duration.ZERO;
        }
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
            throw IotHubErrors.argumentInvalid(name + " must be a whole number of seconds.");
        }
        double seconds = value.getAsDouble();
        if (seconds != Math.rint(seconds) || seconds < 0 || seconds > FaultRequest.MAX_DELAY.toSeconds()) {
            throw IotHubErrors.argumentInvalid(name + " must be a whole number of seconds from 0 to "
                    + FaultRequest.MAX_DELAY.toSeconds() + ".");
        }
        return Duration.ofSeconds((long) seconds);
    }
}
