package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.provisioning.ProvisioningErrors;
import io.github.iothubquickstart.localhub.provisioning.QueryPage;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/**
 * The provisioning service API's bodies in and out: a JSON object in, 200 with JSON out (204 for a delete), and a
 * query's page with DPS's headers ({@code x-ms-item-type}; {@code x-ms-continuation} while more pages remain).
 */
final class ProvisioningResponses {
    private ProvisioningResponses() {
    }

    static JsonObject requireObject(RoutingContext context) {
        try {
            return JsonBodies.requireObject(context.body().asString(), "");
        } catch (RuntimeException e) {
            throw ProvisioningErrors.badRequest("The request body must be one JSON object.");
        }
    }

    static void ok(RoutingContext context, JsonElement body) {
        context.response().putHeader("Content-Type", "application/json; charset=utf-8").end(body.toString());
    }

    static void deleted(RoutingContext context) {
        context.response().setStatusCode(204).end();
    }

    /** The query's text from the body; x-ms-max-item-count, x-ms-continuation from the headers. */
    record QueryRequest(String query, int pageSize, String continuationToken) {
        static QueryRequest of(RoutingContext context) {
            JsonObject body = requireObject(context);
            JsonElement query = body.get("query");
            String text = query != null && query.isJsonPrimitive() ? query.getAsString() : null;
            return new QueryRequest(text, pageSize(context.request().getHeader("x-ms-max-item-count")),
                    context.request().getHeader("x-ms-continuation"));
        }

        private static int pageSize(String header) {
            if (header == null || header.isBlank()) {
                return 0;
            }
            try {
                int size = Integer.parseInt(header.trim());
                if (size > 0) {
                    return size;
                }
            } catch (NumberFormatException e) {
                // answered below
            }
            throw ProvisioningErrors.badRequest("x-ms-max-item-count must be a positive whole number, not '"
                    + header + "'.");
        }
    }

    static <T> void page(RoutingContext context, QueryPage<T> page, String itemType, Function<T, JsonObject> toJson) {
        JsonArray items = new JsonArray();
        page.items().stream().map(toJson).forEach(items::add);
        var response = context.response()
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("x-ms-item-type", itemType);
        if (page.continuationToken() != null) {
            response.putHeader("x-ms-continuation", page.continuationToken());
        }
        response.end(items.toString());
    }
}
