package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonArray;
import io.github.iothubquickstart.localhub.auth.ServiceAuthenticator;
import io.github.iothubquickstart.localhub.configurations.ConfigurationService;
import io.github.iothubquickstart.localhub.configurations.ConfiguredView;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.query.ModuleTwinView;
import io.github.iothubquickstart.localhub.query.TwinView;
import io.github.iothubquickstart.localhub.registry.AccessRight;
import io.github.iothubquickstart.localhub.wire.TwinJson;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * IoT Hub's configurations REST API (automatic device management), as {@code ConfigurationsClient} calls it:
 * {@code PUT /configurations/{id}} (create; with {@code If-Match}, replace), {@code GET /configurations/{id}},
 * {@code GET /configurations?top=n}, {@code DELETE /configurations/{id}} and
 * {@code POST /devices/{id}/applyConfigurationContent}. Reads need REGISTRY_READ, changes REGISTRY_WRITE. The work
 * (SQLite, metrics over the twins) runs off the event loop.
 */
public final class ConfigurationRoutes {
    private final ServiceAuthenticator authenticator;
    private final ConfigurationService configurations;

    public ConfigurationRoutes(ServiceAuthenticator authenticator, ConfigurationService configurations) {
        this.authenticator = authenticator;
        this.configurations = configurations;
    }

    /** The JSON a target condition or metric query is tested against: the twin {@code GET /twins/{id}} answers. */
    public static TwinView twinShape() {
        return TwinJson::forService;
    }

    /** Module twins as module configurations' target conditions and metrics see them. */
    public static ModuleTwinView moduleTwinShape() {
        return TwinJson::forService;
    }

    public void mountOn(Router router) {
        router.route("/configurations*").handler(BodyHandler.create(false).setBodyLimit(ServiceApi.MAX_BODY_BYTES))
                .handler(new ApiVersionCheck());
        router.put("/configurations/:id").handler(this::put);
        router.get("/configurations/:id").handler(this::get);
        router.delete("/configurations/:id").handler(this::delete);
        router.get("/configurations").handler(this::list);
        router.post("/devices/:deviceId/applyConfigurationContent")
                .handler(BodyHandler.create(false).setBodyLimit(ServiceApi.MAX_BODY_BYTES))
                .handler(new ApiVersionCheck())
                .handler(this::applyContent);
    }

    private void put(RoutingContext context) {
        authorize(context, AccessRight.REGISTRY_WRITE);
        var draft = ConfigurationJson.parse(context.body().asString());
        String id = context.pathParam("id");
        String ifMatch = context.request().getHeader("If-Match");
        offLoop(context, () -> configurations.put(id, draft, ifMatch), view -> answer(context, view));
    }

    private void get(RoutingContext context) {
        authorize(context, AccessRight.REGISTRY_READ);
        String id = context.pathParam("id");
        offLoop(context, () -> configurations.get(id), view -> answer(context, view));
    }

    private void list(RoutingContext context) {
        authorize(context, AccessRight.REGISTRY_READ);
        Integer top = top(context.request().getParam("top"));
        offLoop(context, () -> configurations.list(top), views -> {
            JsonArray array = new JsonArray();
            views.forEach(view -> array.add(ConfigurationJson.toJson(view)));
            JsonResponses.ok(context, array, null);
        });
    }

    private void delete(RoutingContext context) {
        authorize(context, AccessRight.REGISTRY_WRITE);
        String id = context.pathParam("id");
        String ifMatch = context.request().getHeader("If-Match");
        offLoop(context, () -> {
            configurations.delete(id, ifMatch);
            return null;
        }, ignored -> context.response().setStatusCode(204).end());
    }

    private void applyContent(RoutingContext context) {
        authorize(context, AccessRight.REGISTRY_WRITE);
        var content = ConfigurationJson.parseContent(context.body().asString());
        String deviceId = context.pathParam("deviceId");
        offLoop(context, () -> {
            configurations.applyContent(deviceId, content);
            return null;
        }, ignored -> context.response().setStatusCode(204).end());
    }

    private void answer(RoutingContext context, ConfiguredView view) {
        JsonResponses.ok(context, ConfigurationJson.toJson(view), view.configuration().etag());
    }

    private <T> void offLoop(RoutingContext context, Callable<T> work, Consumer<T> then) {
        Vertx.currentContext().executeBlocking(work).onComplete(done -> {
            if (done.failed()) {
                context.fail(done.cause());
            } else {
                then.accept(done.result());
            }
        });
    }

    private void authorize(RoutingContext context, AccessRight right) {
        authenticator.authorize(context.request().getHeader("Authorization"), right);
    }

    private static Integer top(String text) {
        if (text == null) {
            return null;
        }
        try {
            int top = Integer.parseInt(text);
            if (top >= 1) {
                return top;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw IotHubErrors.argumentInvalid("top must be a whole number, 1 or more.");
    }
}
