package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonElement;
import io.vertx.ext.web.RoutingContext;

/** Writes a 200 answer with a JSON body, and the resource's ETag in IoT Hub's quoted form when it has one. */
final class JsonResponses {
    private JsonResponses() {
    }

    static void ok(RoutingContext context, JsonElement body, String etag) {
        var response = context.response().putHeader("Content-Type", "application/json; charset=utf-8");
        if (etag != null) {
            response.putHeader("ETag", "\"" + etag + "\"");
        }
        response.end(body.toString());
    }
}
