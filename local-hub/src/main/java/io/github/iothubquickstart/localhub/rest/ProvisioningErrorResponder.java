package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.provisioning.ProvisioningErrors;
import io.github.iothubquickstart.localhub.wire.ProvisioningJson;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the provisioning service API's errors as DPS does: the HTTP status and a flat body
 * {@code {"errorCode":404201,"trackingId":"..","message":"..","timestampUtc":".."}}, which
 * {@code ProvisioningServiceClient} turns into its typed exception by the status (404: NotFound, 412:
 * PreconditionFailed...) with the body as message. IoT Hub's nested body ({@link HttpErrorResponder}) is not DPS's.
 */
final class ProvisioningErrorResponder {
    private static final Logger LOG = LoggerFactory.getLogger(ProvisioningErrorResponder.class);

    private final Clock clock;

    ProvisioningErrorResponder(Clock clock) {
        this.clock = clock;
    }

    /** A failure handler for the provisioning routes: DPS's body for every failure, status-only ones included. */
    void respond(RoutingContext context) {
        Throwable failure = context.failure();
        IotHubError error;
        if (failure instanceof IotHubError known) {
            error = known;
        } else if (failure == null) {
            error = statusError(context.statusCode());
        } else {
            LOG.error("Unexpected failure on {} {}", context.request().method(), context.request().path(), failure);
            error = IotHubErrors.serverError("The local provisioning service failed: " + failure);
        }
        if (context.response().headWritten()) {
            context.response().reset();
            return;
        }
        JsonObject body = ProvisioningJson.error(error, clock.instant());
        context.response()
                .setStatusCode(error.httpStatus())
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .end(body.toString());
    }

    private static IotHubError statusError(int status) {
        return switch (status) {
            case 413 -> new IotHubError(413, 413001, "The request body is larger than the provisioning service"
                    + " accepts (" + ProvisioningServiceApi.MAX_BODY_BYTES + " bytes).");
            case 400 -> ProvisioningErrors.badRequest("Bad request.");
            default -> new IotHubError(status, status, "Request failed with HTTP status " + status + ".");
        };
    }
}
