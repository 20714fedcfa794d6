package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonArray;
import io.github.iothubquickstart.localhub.auth.ServiceAuthenticator;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.registry.AccessRight;
import io.github.iothubquickstart.localhub.registry.RegisteredDevice;
import io.github.iothubquickstart.localhub.registry.RegistryService;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * IoT Hub's registry REST API: {@code PUT /devices/{id}} (create; with {@code If-Match}, update),
 * {@code GET /devices/{id}}, {@code DELETE /devices/{id}} and {@code GET /devices[?top=n]}. Reads need
 * REGISTRY_READ, writes REGISTRY_WRITE. The registry is small and local, so calls run on the event loop.
 */
public final class RegistryRoutes {
    static final int MAX_LIST = 1000;

    private final ServiceAuthenticator authenticator;
    private final RegistryService registry;

    public RegistryRoutes(ServiceAuthenticator authenticator, RegistryService registry) {
        this.authenticator = authenticator;
        this.registry = registry;
    }

    void put(RoutingContext context) {
        authorize(context, AccessRight.REGISTRY_WRITE);
        String deviceId = context.pathParam("deviceId");
        String ifMatch = context.request().getHeader("If-Match");
        var request = DeviceJson.parse(context.body().asString(), deviceId);
        RegisteredDevice device = ifMatch == null || ifMatch.isBlank()
                ? registry.create(deviceId, request)
                : registry.update(deviceId, request, ifMatch);
        JsonResponses.ok(context, DeviceJson.toJson(device), device.identity().etag());
    }

    void get(RoutingContext context) {
        authorize(context, AccessRight.REGISTRY_READ);
        RegisteredDevice device = registry.get(context.pathParam("deviceId"));
        JsonResponses.ok(context, DeviceJson.toJson(device), device.identity().etag());
    }

    void delete(RoutingContext context) {
        authorize(context, AccessRight.REGISTRY_WRITE);
        registry.delete(context.pathParam("deviceId"), context.request().getHeader("If-Match"));
        context.response().setStatusCode(204).end();
    }

    void list(RoutingContext context) {
        authorize(context, AccessRight.REGISTRY_READ);
        int top = top(context.request().getParam("top"));
        List<RegisteredDevice> devices = registry.list();
        JsonArray array = new JsonArray();
        devices.stream().limit(top).map(DeviceJson::toJson).forEach(array::add);
        JsonResponses.ok(context, array, null);
    }

    private void authorize(RoutingContext context, AccessRight right) {
        authenticator.authorize(context.request().getHeader("Authorization"), right);
    }

    private static int top(String text) {
        if (text == null) {
            return MAX_LIST;
        }
        try {
            int top = Integer.parseInt(text);
            if (top >= 1 && top <= MAX_LIST) {
                return top;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw IotHubErrors.argumentInvalid("top must be a whole number from 1 to " + MAX_LIST + ".");
    }
}
