package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.auth.ServiceAuthenticator;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.methods.DirectMethodService;
import io.github.iothubquickstart.localhub.methods.MethodRequest;
import io.github.iothubquickstart.localhub.registry.AccessRight;
import io.github.iothubquickstart.localhub.registry.DeviceIds;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /twins/{deviceId}/methods} and {@code POST /twins/{deviceId}/modules/{moduleId}/methods}: invoke a direct
 * method on a device or a module and answer with its status and payload.
 */
public final class MethodsRoute implements Handler<RoutingContext> {
    private final ServiceAuthenticator authenticator;
    private final DirectMethodService methods;

    public MethodsRoute(ServiceAuthenticator authenticator, DirectMethodService methods) {
        this.authenticator = authenticator;
        this.methods = methods;
    }

    @Override
    public void handle(RoutingContext context) {
        authenticator.authorize(context.request().getHeader("Authorization"), AccessRight.SERVICE_CONNECT);
        String deviceId = context.pathParam("deviceId");
        String moduleId = context.pathParam("moduleId");
        if (!DeviceIds.isValid(deviceId) || moduleId != null && !DeviceIds.isValid(moduleId)) {
            throw IotHubErrors.argumentInvalid("The device or module id is not valid: use up to 128 letters, digits and - . + % _ # * ? ! ( ) , : = @ $ '.");
        }
        IdentityId target = moduleId == null ? IdentityId.device(deviceId) : IdentityId.module(deviceId, moduleId);
        String body = context.body().asString();
        if (body == null || body.isBlank()) {
            throw IotHubErrors.formatError("The request body is empty; send {\"methodName\": ..., \"payload\": ...}.");
        }
        MethodRequest request = MethodRequestParser.parse(body);
        methods.invoke(target, request).onComplete(done -> {
            if (done.failed()) {
                context.fail(done.cause());
                return;
            }
            JsonObject answer = new JsonObject();
            answer.addProperty("status", done.result().status());
            answer.add("payload", done.result().payload());
            context.response()
                    .putHeader("Content-Type", "application/json; charset=utf-8")
                    .end(answer.toString());
        });
    }
}
