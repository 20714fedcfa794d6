package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.auth.DeviceAuthenticator;
import io.github.iothubquickstart.localhub.connections.ConnectedDevices;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.fileupload.FileUploads;
import io.github.iothubquickstart.localhub.fileupload.UploadTarget;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IoT Hub's file upload API for devices, beside {@link DeviceHttpsApi} and authenticated the same way (SAS token or
 * the TLS client certificate): {@code POST /devices/{id}/files} with {@code {"blobName": ...}} answers where to
 * upload (200: correlationId, hostName, containerName, blobName, sasToken), {@code POST /devices/{id}/files/notifications}
 * with {@code {"correlationId", "isSuccess", "statusCode", "statusDescription"}} (Node's SDK:
 * {@code .../notifications/{correlationId}}, the rest in the body) reports the upload done (204). IoT Hub
 * has no such routes for modules, and neither do the SDKs' module clients.
 */
public final class FileUploadRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(FileUploadRoutes.class);
    private static final String FILES = "/devices/(?<deviceId>[^/]+)/files";
    /** A blob name is at most 1024 characters; the bodies carry little else. */
    private static final int MAX_BODY_BYTES = 16 * 1024;

    private final HttpsDeviceAuthentication authentication;
    private final FileUploads uploads;

    public FileUploadRoutes(DeviceAuthenticator authenticator, ConnectedDevices devices, FileUploads uploads,
                            Clock clock) {
        this.authentication = new HttpsDeviceAuthentication(authenticator, devices, clock);
        this.uploads = uploads;
    }

    public void mountOn(Router router) {
        router.postWithRegex("/devices/[^/]+/modules/[^/]+/files(/notifications)?").handler(context -> {
            throw IotHubErrors.notFound("IoT Hub has no file upload for modules: a module's files go through its"
                    + " device (POST /devices/{id}/files).");
        });
        router.postWithRegex(FILES)
                .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
                .handler(new ApiVersionCheck())
                .handler(this::begin);
        // The Java and .NET SDKs put the correlation id in the body, Node's in the path.
        router.postWithRegex(FILES + "/notifications(/(?<correlationId>[^/]+))?")
                .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
                .handler(new ApiVersionCheck())
                .handler(this::complete);
    }

    private void begin(RoutingContext context) {
        String deviceId = authentication.device(context).deviceId();
        JsonObject body = JsonBodies.requireObject(context.body().asString(), "with the blobName");
        UploadTarget target = uploads.begin(deviceId, JsonBodies.optionalString(body, "blobName"));
        JsonObject answer = new JsonObject();
        answer.addProperty("correlationId", target.correlationId());
        answer.addProperty("hostName", target.hostName());
        answer.addProperty("containerName", target.containerName());
        answer.addProperty("blobName", target.blobName());
        answer.addProperty("sasToken", target.sasToken());
        JsonResponses.ok(context, answer, null);
    }

    private void complete(RoutingContext context) {
        String deviceId = authentication.device(context).deviceId();
        JsonObject body = JsonBodies.requireObject(context.body().asString(), "with isSuccess");
        String correlationId = context.pathParam("correlationId") != null ? context.pathParam("correlationId")
                : JsonBodies.optionalString(body, "correlationId");
        if (correlationId == null || correlationId.isEmpty()) {
            throw IotHubErrors.argumentInvalid("The correlationId is missing.");
        }
        JsonElement isSuccess = body.get("isSuccess");
        if (isSuccess == null || !isSuccess.isJsonPrimitive() || !isSuccess.getAsJsonPrimitive().isBoolean()) {
            throw IotHubErrors.argumentInvalid("isSuccess must be true or false.");
        }
        Context loop = Vertx.currentContext();
        uploads.complete(deviceId, correlationId, isSuccess.getAsBoolean())
                .whenComplete((ignored, failure) -> loop.runOnContext(none -> {
                    if (failure == null) {
                        context.response().setStatusCode(204).end();
                        return;
                    }
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    if (!(cause instanceof IotHubError)) {
                        LOG.warn("The upload {} of {} could not be completed: {}", correlationId, deviceId,
                                cause.toString());
                        cause = IotHubErrors.serverError("The hub could not store the file upload notification;"
                                + " report the upload again.");
                    }
                    context.fail(cause);
                }));
    }
}
