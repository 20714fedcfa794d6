package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.auth.ServiceAuthenticator;
import io.github.iothubquickstart.localhub.configurations.ConfigurationStatuses;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.registry.AccessRight;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.registry.ModuleService;
import io.github.iothubquickstart.localhub.registry.RegistryService;
import io.github.iothubquickstart.localhub.twin.TwinDocument;
import io.github.iothubquickstart.localhub.wire.TwinJson;
import io.github.iothubquickstart.localhub.twin.TwinSections;
import io.github.iothubquickstart.localhub.twin.TwinService;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * IoT Hub's twin REST API: {@code GET /twins/{id}}, {@code PATCH /twins/{id}} (merge tags and desired properties)
 * and {@code PUT /twins/{id}} (replace them), with ETags in {@code If-Match}; the same under
 * {@code /twins/{id}/modules/{mid}} for module twins. Reading needs SERVICE_CONNECT or
 * REGISTRY_READ, writing SERVICE_CONNECT or REGISTRY_WRITE. Storage work runs off the event loop.
 */
public final class TwinRoutes {
    private static final Set<AccessRight> READ = EnumSet.of(AccessRight.SERVICE_CONNECT, AccessRight.REGISTRY_READ);
    private static final Set<AccessRight> WRITE = EnumSet.of(AccessRight.SERVICE_CONNECT, AccessRight.REGISTRY_WRITE);

    private final ServiceAuthenticator authenticator;
    private final TwinService twins;
    private final RegistryService registry;
    private final ModuleService modules;
    private final ConfigurationStatuses configurations;

    public TwinRoutes(ServiceAuthenticator authenticator, TwinService twins, RegistryService registry,
                      ModuleService modules, ConfigurationStatuses configurations) {
        this.configurations = configurations;
        this.authenticator = authenticator;
        this.twins = twins;
        this.registry = registry;
        this.modules = modules;
    }

    void get(RoutingContext context) {
        authenticator.authorizeAny(context.request().getHeader("Authorization"), READ);
        IdentityId owner = owner(context);
        answer(context, owner, () -> twins.get(owner));
    }

    void patch(RoutingContext context) {
        authenticator.authorizeAny(context.request().getHeader("Authorization"), WRITE);
        IdentityId owner = owner(context);
        TwinSections sections = TwinRequestBody.parse(context.body().asString());
        String ifMatch = context.request().getHeader("If-Match");
        answer(context, owner, () -> twins.update(owner, sections, ifMatch));
    }

    /** The Java service SDK's HTTP client cannot send PATCH: it POSTs with {@code X-HTTP-Method-Override: PATCH}. */
    void postWithMethodOverride(RoutingContext context) {
        if (!"PATCH".equalsIgnoreCase(context.request().getHeader("X-HTTP-Method-Override"))) {
            throw IotHubErrors.notImplemented("POST " + context.request().path());
        }
        patch(context);
    }

    void replace(RoutingContext context) {
        authenticator.authorizeAny(context.request().getHeader("Authorization"), WRITE);
        IdentityId owner = owner(context);
        TwinSections sections = TwinRequestBody.parse(context.body().asString());
        String ifMatch = context.request().getHeader("If-Match");
        answer(context, owner, () -> twins.replace(owner, sections, ifMatch));
    }

    /** The device, or the module when the path names one. */
    private static IdentityId owner(RoutingContext context) {
        String moduleId = context.pathParam("moduleId");
        String deviceId = context.pathParam("deviceId");
        return moduleId == null ? IdentityId.device(deviceId) : IdentityId.module(deviceId, moduleId);
    }

    /** IoT Hub's {@code "configurations": {"<id>": {"status": "targeted"|"applied"}}}, when any targets the device. */
    private static void addConfigurations(JsonObject twin, java.util.Map<String, String> statuses) {
        if (statuses.isEmpty()) {
            return;
        }
        JsonObject json = new JsonObject();
        statuses.forEach((id, status) -> {
            JsonObject entry = new JsonObject();
            entry.addProperty("status", status);
            json.add(id, entry);
        });
        twin.add("configurations", json);
    }

    /** Twin work off the event loop (it writes to disk); the answer carries the owner's registry view too. */
    private void answer(RoutingContext context, IdentityId owner, Supplier<TwinDocument> work) {
        Vertx.currentContext().executeBlocking(() -> configurations.readWithStatuses(owner, work)).onComplete(done -> {
            if (done.failed()) {
                context.fail(done.cause());
                return;
            }
            try {
                TwinDocument twin = done.result().twin();
                JsonObject json = owner.isModule()
                        ? TwinJson.forService(twin, modules.get(owner.deviceId(), owner.moduleId()))
                        : TwinJson.forService(twin, registry.get(owner.deviceId()));
                addConfigurations(json, done.result().statuses());
                JsonResponses.ok(context, json, twin.etag());
            } catch (RuntimeException e) {
                context.fail(e);
            }
        });
    }
}
