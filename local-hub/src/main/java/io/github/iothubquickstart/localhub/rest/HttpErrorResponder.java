package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes errors as IoT Hub does, HTTP status, header {@code iothub-errorcode} (the code's name) and a body every
 * Azure SDK parses into its typed exception ({@link IotHubErrorBody}).
 */
public final class HttpErrorResponder {
    private static final Logger LOG = LoggerFactory.getLogger(HttpErrorResponder.class);

    private final Clock clock;

    public HttpErrorResponder(Clock clock) {
        this.clock = clock;
    }

    public void respond(RoutingContext context, Throwable failure) {
        IotHubError error = failure instanceof IotHubError hubError
                ? hubError
                : IotHubErrors.serverError("The local hub failed: " + failure);
        if (!(failure instanceof IotHubError)) {
            LOG.error("Unexpected failure on {} {}", context.request().method(), context.request().path(), failure);
        }
        if (context.response().headWritten()) {
            context.response().reset();
            return;
        }
        JsonObject body = IotHubErrorBody.of(error, UUID.randomUUID().toString(), clock.instant());
        context.response()
                .setStatusCode(error.httpStatus())
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("iothub-errorcode", IotHubErrors.codeName(error.errorCode()))
                .end(body.toString());
    }
}
