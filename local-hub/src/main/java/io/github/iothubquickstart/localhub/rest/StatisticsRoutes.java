package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.auth.ServiceAuthenticator;
import io.github.iothubquickstart.localhub.connections.ConnectedDevices;
import io.github.iothubquickstart.localhub.registry.AccessRight;
import io.github.iothubquickstart.localhub.registry.DeviceStatistics;
import io.github.iothubquickstart.localhub.registry.RegistryService;
import io.vertx.ext.web.RoutingContext;

/**
 * IoT Hub's statistics: {@code GET /statistics/devices} (registry counts, REGISTRY_READ) and
 * {@code GET /statistics/service} (connected devices, SERVICE_CONNECT). Counted when asked, where IoT Hub's lag.
 */
public final class StatisticsRoutes {
    private final ServiceAuthenticator authenticator;
    private final RegistryService registry;
    private final ConnectedDevices connections;

    public StatisticsRoutes(ServiceAuthenticator authenticator, RegistryService registry, ConnectedDevices connections) {
        this.authenticator = authenticator;
        this.registry = registry;
        this.connections = connections;
    }

    void devices(RoutingContext context) {
        authenticator.authorize(context.request().getHeader("Authorization"), AccessRight.REGISTRY_READ);
        DeviceStatistics statistics = registry.statistics();
        JsonObject json = new JsonObject();
        json.addProperty("totalDeviceCount", statistics.totalDeviceCount());
        json.addProperty("enabledDeviceCount", statistics.enabledDeviceCount());
        json.addProperty("disabledDeviceCount", statistics.disabledDeviceCount());
        JsonResponses.ok(context, json, null);
    }

    void service(RoutingContext context) {
        authenticator.authorize(context.request().getHeader("Authorization"), AccessRight.SERVICE_CONNECT);
        JsonObject json = new JsonObject();
        json.addProperty("connectedDeviceCount", connections.connectedDeviceCount());
        JsonResponses.ok(context, json, null);
    }
}
