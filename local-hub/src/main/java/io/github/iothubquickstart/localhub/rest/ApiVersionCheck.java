package io.github.iothubquickstart.localhub.rest;

import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/** Every IoT Hub REST call names an {@code api-version}; a request without a well-formed one is refused. */
public final class ApiVersionCheck implements Handler<RoutingContext> {
    private static final Pattern API_VERSION = Pattern.compile("\\d{4}-\\d{2}-\\d{2}(-preview)?");

    @Override
    public void handle(RoutingContext context) {
        String version = context.request().getParam("api-version");
        if (version == null || !API_VERSION.matcher(version).matches()) {
            throw IotHubErrors.invalidProtocolVersion(
                    "The api-version query parameter is missing or malformed (expected e.g. 2021-04-12).");
        }
        context.next();
    }
}
