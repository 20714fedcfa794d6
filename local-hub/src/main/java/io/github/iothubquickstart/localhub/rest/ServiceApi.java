package io.github.iothubquickstart.localhub.rest;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * IoT Hub's service REST API, as the service SDKs call it: the routing table, each path with its body limit and
 * api-version check, handing each call to its route class.
 */
public final class ServiceApi {
    /** A 128 KB method payload plus its envelope fits; larger bodies are refused before they are buffered. */
    static final long MAX_BODY_BYTES = 512 * 1024;

    private final MethodsRoute methods;
    private final MonitorRoute monitor;
    private final RegistryRoutes registry;
    private final ModuleRoutes modules;
    private final BulkRegistryRoute bulkRegistry;
    private final StatisticsRoutes statistics;
    private final TwinRoutes twins;
    private final QueryRoute queries;
    private final CloudToDeviceRoutes cloudToDevice;
    private final CaCertificateRoutes caCertificates;
    private final FaultRoutes faults;

    public ServiceApi(MethodsRoute methods, MonitorRoute monitor, RegistryRoutes registry, ModuleRoutes modules,
                      BulkRegistryRoute bulkRegistry, StatisticsRoutes statistics, TwinRoutes twins,
                      QueryRoute queries, CloudToDeviceRoutes cloudToDevice, CaCertificateRoutes caCertificates,
                      FaultRoutes faults) {
        this.faults = faults;
        this.cloudToDevice = cloudToDevice;
        this.caCertificates = caCertificates;
        this.methods = methods;
        this.monitor = monitor;
        this.registry = registry;
        this.modules = modules;
        this.bulkRegistry = bulkRegistry;
        this.statistics = statistics;
        this.twins = twins;
        this.queries = queries;
    }

    public void mountOn(Router router) {
        router.post("/twins/:deviceId/methods")
                .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
                .handler(new ApiVersionCheck())
                .handler(methods);
        router.post("/twins/:deviceId/modules/:moduleId/methods")
                .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
                .handler(new ApiVersionCheck())
                .handler(methods);
        router.route("/devices*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
                .handler(new ApiVersionCheck());
        router.post("/devices/query").handler(queries);
        router.put("/devices/:deviceId").handler(registry::put);
        router.get("/devices/:deviceId").handler(registry::get);
        router.delete("/devices/:deviceId").handler(registry::delete);
        router.get("/devices").handler(registry::list);
        router.put("/devices/:deviceId/modules/:moduleId").handler(modules::put);
        router.get("/devices/:deviceId/modules/:moduleId").handler(modules::get);
        router.delete("/devices/:deviceId/modules/:moduleId").handler(modules::delete);
        router.get("/devices/:deviceId/modules").handler(modules::list);
        router.post("/devices").handler(bulkRegistry);
        router.delete("/devices/:deviceId/commands").handler(cloudToDevice::purge);
        router.post("/devices/:deviceId/faults").handler(faults::post);
        router.post("/devices/:deviceId/modules/:moduleId/faults").handler(faults::post);
        router.route("/statistics/*").handler(new ApiVersionCheck());
        router.get("/statistics/devices").handler(statistics::devices);
        router.get("/statistics/service").handler(statistics::service);
        router.routeWithRegex("/twins/[^/]+(/modules/[^/]+)?").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
                .handler(new ApiVersionCheck());
        router.get("/twins/:deviceId").handler(twins::get);
        router.patch("/twins/:deviceId").handler(twins::patch);
        router.post("/twins/:deviceId").handler(twins::postWithMethodOverride);
        router.put("/twins/:deviceId").handler(twins::replace);
        router.get("/twins/:deviceId/modules/:moduleId").handler(twins::get);
        router.patch("/twins/:deviceId/modules/:moduleId").handler(twins::patch);
        router.post("/twins/:deviceId/modules/:moduleId").handler(twins::postWithMethodOverride);
        router.put("/twins/:deviceId/modules/:moduleId").handler(twins::replace);
        router.get("/monitor/events").handler(monitor);
        router.get("/certificates").handler(new ApiVersionCheck()).handler(caCertificates::list);
    }
}
