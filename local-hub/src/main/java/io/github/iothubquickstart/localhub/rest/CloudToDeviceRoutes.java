package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.auth.ServiceAuthenticator;
import io.github.iothubquickstart.localhub.cloudtodevice.CloudToDeviceException;
import io.github.iothubquickstart.localhub.cloudtodevice.CloudToDeviceQueues;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.registry.AccessRight;
import io.github.iothubquickstart.localhub.registry.DeviceIds;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * IoT Hub's REST calls on a device's cloud-to-device queue: {@code DELETE /devices/{id}/commands} purges it and
 * answers {@code {"deviceId":..,"moduleId":null,"totalMessagesPurged":n}} (SERVICE_CONNECT).
 */
public final class CloudToDeviceRoutes {
    private final ServiceAuthenticator authenticator;
    private final CloudToDeviceQueues queues;

    public CloudToDeviceRoutes(ServiceAuthenticator authenticator, CloudToDeviceQueues queues) {
        this.authenticator = authenticator;
        this.queues = queues;
    }

    void purge(RoutingContext context) {
        authenticator.authorize(context.request().getHeader("Authorization"), AccessRight.SERVICE_CONNECT);
        String deviceId = context.pathParam("deviceId");
        if (!DeviceIds.isValid(deviceId)) {
            throw IotHubErrors.argumentInvalid("The device id is not valid: use up to 128 letters, digits and"
                    + " - . + % _ # * ? ! ( ) , : = @ $ '.");
        }
        Context loop = Vertx.currentContext();
        queues.purge(deviceId).whenComplete((purged, failure) -> loop.runOnContext(ignored -> {
            if (failure == null) {
                JsonObject answer = new JsonObject();
                answer.addProperty("deviceId", deviceId);
                answer.add("moduleId", JsonNull.INSTANCE);
                answer.addProperty("totalMessagesPurged", purged);
                JsonResponses.ok(context, answer, null);
            } else if (failure instanceof CloudToDeviceException refused
                    && refused.reason() == CloudToDeviceException.Reason.DEVICE_NOT_FOUND) {
                context.fail(IotHubErrors.deviceNotFound(deviceId));
            } else {
                context.fail(IotHubErrors.serverError("The hub could not purge the queue: " + failure.getMessage()));
            }
        }));
    }
}
