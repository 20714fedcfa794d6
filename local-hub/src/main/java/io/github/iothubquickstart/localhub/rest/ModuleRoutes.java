package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonArray;
import io.github.iothubquickstart.localhub.auth.ServiceAuthenticator;
import io.github.iothubquickstart.localhub.registry.AccessRight;
import io.github.iothubquickstart.localhub.registry.ModuleService;
import io.github.iothubquickstart.localhub.registry.RegisteredModule;
import io.vertx.ext.web.RoutingContext;

/**
 * IoT Hub's module registry REST API: {@code PUT /devices/{id}/modules/{mid}} (create; with {@code If-Match},
 * update), {@code GET} and {@code DELETE} of the same path, and {@code GET /devices/{id}/modules}. Reads need
 * REGISTRY_READ, writes REGISTRY_WRITE.
 */
public final class ModuleRoutes {
    private final ServiceAuthenticator authenticator;
    private final ModuleService modules;

    public ModuleRoutes(ServiceAuthenticator authenticator, ModuleService modules) {
        this.authenticator = authenticator;
        this.modules = modules;
    }

    void put(RoutingContext context) {
        authorize(context, AccessRight.REGISTRY_WRITE);
        String deviceId = context.pathParam("deviceId");
        String moduleId = context.pathParam("moduleId");
        String ifMatch = context.request().getHeader("If-Match");
        var request = ModuleJson.parse(context.body().asString(), deviceId, moduleId);
        RegisteredModule module = ifMatch == null || ifMatch.isBlank()
                ? modules.create(deviceId, moduleId, request)
                : modules.update(deviceId, moduleId, request, ifMatch);
        JsonResponses.ok(context, ModuleJson.toJson(module), module.identity().etag());
    }

    void get(RoutingContext context) {
        authorize(context, AccessRight.REGISTRY_READ);
        RegisteredModule module = modules.get(context.pathParam("deviceId"), context.pathParam("moduleId"));
        JsonResponses.ok(context, ModuleJson.toJson(module), module.identity().etag());
    }

    void delete(RoutingContext context) {
        authorize(context, AccessRight.REGISTRY_WRITE);
        modules.delete(context.pathParam("deviceId"), context.pathParam("moduleId"),
                context.request().getHeader("If-Match"));
        context.response().setStatusCode(204).end();
    }

    void list(RoutingContext context) {
        authorize(context, AccessRight.REGISTRY_READ);
        JsonArray array = new JsonArray();
        modules.list(context.pathParam("deviceId")).stream().map(ModuleJson::toJson).forEach(array::add);
        JsonResponses.ok(context, array, null);
    }

    private void authorize(RoutingContext context, AccessRight right) {
        authenticator.authorize(context.request().getHeader("Authorization"), right);
    }
}
