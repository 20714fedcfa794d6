package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.auth.ServiceAuthenticator;
import io.github.iothubquickstart.localhub.digitaltwins.DigitalTwinCommands;
import io.github.iothubquickstart.localhub.digitaltwins.DigitalTwins;
import io.github.iothubquickstart.localhub.digitaltwins.JsonPatchParser;
import io.github.iothubquickstart.localhub.digitaltwins.PatchOperation;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.registry.AccessRight;
import io.github.iothubquickstart.localhub.registry.DeviceIds;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * IoT Hub's digital twin REST API, as the service SDKs' {@code DigitalTwinClient} calls it:
 * {@code GET /digitaltwins/{id}}, {@code PATCH /digitaltwins/{id}} (a JSON Patch, If-Match; 202 with the new ETag),
 * {@code POST /digitaltwins/{id}/commands/{command}} and
 * {@code POST /digitaltwins/{id}/components/{component}/commands/{command}} (the payload as the body, timeouts as
 * {@code connectTimeoutInSeconds} / {@code responseTimeoutInSeconds}; the device's status in
 * {@code x-ms-command-statuscode}). The work is {@link DigitalTwins}' and {@link DigitalTwinCommands}'.
 */
public final class DigitalTwinRoutes {
    private static final Set<AccessRight> READ = EnumSet.of(AccessRight.SERVICE_CONNECT, AccessRight.REGISTRY_READ);
    private static final Set<AccessRight> WRITE = EnumSet.of(AccessRight.SERVICE_CONNECT, AccessRight.REGISTRY_WRITE);
    static final String COMMAND_STATUS = "x-ms-command-statuscode";
    static final String REQUEST_ID = "x-ms-request-id";

    private final ServiceAuthenticator authenticator;
    private final DigitalTwins digitalTwins;
    private final DigitalTwinCommands commands;

    public DigitalTwinRoutes(ServiceAuthenticator authenticator, DigitalTwins digitalTwins,
                             DigitalTwinCommands commands) {
        this.authenticator = authenticator;
        this.digitalTwins = digitalTwins;
        this.commands = commands;
    }

    public void mountOn(Router router) {
        router.route("/digitaltwins/*").handler(BodyHandler.create(false).setBodyLimit(ServiceApi.MAX_BODY_BYTES))
                .handler(new ApiVersionCheck());
        router.get("/digitaltwins/:id").handler(this::get);
        router.patch("/digitaltwins/:id").handler(this::update);
        router.post("/digitaltwins/:id/commands/:commandName").handler(this::invoke);
        router.post("/digitaltwins/:id/components/:componentPath/commands/:commandName").handler(this::invoke);
    }

    private void get(RoutingContext context) {
        authenticator.authorizeAny(context.request().getHeader("Authorization"), READ);
        String deviceId = deviceId(context);
        Vertx.currentContext().executeBlocking(() -> digitalTwins.get(deviceId)).onComplete(done -> {
            if (done.failed()) {
                context.fail(done.cause());
                return;
            }
            JsonResponses.ok(context, done.result().digitalTwin(), done.result().etag());
        });
    }

    private void update(RoutingContext context) {
        authenticator.authorizeAny(context.request().getHeader("Authorization"), WRITE);
        String deviceId = deviceId(context);
        List<PatchOperation> operations = JsonPatchParser.parse(context.body().asString());
        String ifMatch = context.request().getHeader("If-Match");
        Vertx.currentContext().executeBlocking(() -> digitalTwins.update(deviceId, operations, ifMatch))
                .onComplete(done -> {
                    if (done.failed()) {
                        context.fail(done.cause());
                        return;
                    }
                    context.response().setStatusCode(202).putHeader("ETag", "\"" + done.result() + "\"").end();
                });
    }

    private void invoke(RoutingContext context) {
        authenticator.authorize(context.request().getHeader("Authorization"), AccessRight.SERVICE_CONNECT);
        String deviceId = deviceId(context);
        String payload = payload(context.body().asString());
        Duration responseTimeout = seconds(context, "responseTimeoutInSeconds",
                MethodRequestParser.DEFAULT_RESPONSE_TIMEOUT, MethodRequestParser.MIN_RESPONSE_TIMEOUT,
                MethodRequestParser.MAX_RESPONSE_TIMEOUT);
        Duration connectTimeout = seconds(context, "connectTimeoutInSeconds",
                MethodRequestParser.DEFAULT_CONNECT_TIMEOUT, 0, MethodRequestParser.MAX_CONNECT_TIMEOUT);
        String requestId = UUID.randomUUID().toString();
        commands.invoke(deviceId, context.pathParam("componentPath"), context.pathParam("commandName"), payload,
                responseTimeout, connectTimeout).onComplete(done -> {
                    if (done.failed()) {
                        context.fail(done.cause());
                        return;
                    }
                    context.response()
                            .putHeader("Content-Type", "application/json; charset=utf-8")
                            .putHeader(COMMAND_STATUS, Integer.toString(done.result().status()))
                            .putHeader(REQUEST_ID, requestId)
                            .end(done.result().payload().toString());
                });
    }

    private static String deviceId(RoutingContext context) {
        String deviceId = context.pathParam("id");
        if (!DeviceIds.isValid(deviceId)) {
            throw IotHubErrors.argumentInvalid("The digital twin id is not a valid device id: use up to 128 letters,"
                    + " digits and - . + % _ # * ? ! ( ) , : = @ $ '.");
        }
        return deviceId;
    }

    /** The command's payload: the body, which must be JSON (or nothing). */
    private static String payload(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        int bytes = body.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MethodRequestParser.MAX_PAYLOAD_BYTES) {
            throw IotHubErrors.payloadTooLarge("The command payload is " + bytes + " bytes; the limit is "
                    + MethodRequestParser.MAX_PAYLOAD_BYTES + " bytes (128 KB).");
        }
        try {
            JsonParser.parseString(body);
        } catch (JsonParseException e) {
            throw IotHubErrors.formatError("The command payload (the request body) is not JSON.");
        }
        return body.trim();
    }

    private static Duration seconds(RoutingContext context, String name, int defaultValue, int min, int max) {
        String text = context.request().getParam(name);
        if (text == null || text.isBlank()) {
            return Duration.ofSeconds(defaultValue);
        }
        int seconds;
        try {
            seconds = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < min || seconds > max) {
            throw IotHubErrors.argumentInvalid(name + " must be a whole number from " + min + " to " + max
                    + " seconds; it was '" + text.replaceAll("[^\\x20-\\x7e]", "?") + "'.");
        }
        return Duration.ofSeconds(seconds);
    }
}
