package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.auth.ServiceAuthenticator;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.query.DeviceQueries;
import io.github.iothubquickstart.localhub.query.QueryPage;
import io.github.iothubquickstart.localhub.query.TwinView;
import io.github.iothubquickstart.localhub.registry.AccessRight;
import io.github.iothubquickstart.localhub.wire.TwinJson;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Set;

/**
 * IoT Hub's {@code POST /devices/query} (device twins, or module twins {@code FROM devices.modules}): body
 * {@code {"query": "SELECT ..."}}, page size in
 * {@code x-ms-max-item-count} (default and most {@value DeviceQueries#MAX_PAGE_SIZE}), the next page asked for with
 * the {@code x-ms-continuation} token of the previous answer. Answers a JSON array, with {@code x-ms-continuation}
 * while more results follow and {@code x-ms-item-type} ({@code twin} or {@code raw}). Reading twins needs
 * SERVICE_CONNECT or REGISTRY_READ, so queries do too. Runs off the event loop: it reads every twin.
 */
public final class QueryRoute implements Handler<RoutingContext> {
    private static final Set<AccessRight> READ = EnumSet.of(AccessRight.SERVICE_CONNECT, AccessRight.REGISTRY_READ);
    static final String CONTINUATION = "x-ms-continuation";
    static final String PAGE_SIZE = "x-ms-max-item-count";
    static final String ITEM_TYPE = "x-ms-item-type";
    /** A device twin as queries see it (also when a job's queryCondition selects its devices). */
    public static final TwinView TWINS = TwinJson::forService;

    private final ServiceAuthenticator authenticator;
    private final DeviceQueries queries;

    public QueryRoute(ServiceAuthenticator authenticator, DeviceQueries queries) {
        this.authenticator = authenticator;
        this.queries = queries;
    }

    @Override
    public void handle(RoutingContext context) {
        authenticator.authorizeAny(context.request().getHeader("Authorization"), READ);
        String query = queryText(context.body().asString());
        int pageSize = pageSize(context.request().getHeader(PAGE_SIZE));
        String continuation = context.request().getHeader(CONTINUATION);
        Vertx.currentContext().executeBlocking(() -> queries.run(query, pageSize, continuation,
                        TwinJson::forService, TwinJson::forService))
                .onComplete(done -> {
                    if (done.failed()) {
                        context.fail(done.cause());
                        return;
                    }
                    answer(context, done.result());
                });
    }

    private static void answer(RoutingContext context, QueryPage page) {
        JsonArray results = new JsonArray();
        page.results().forEach(results::add);
        var response = context.response()
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader(ITEM_TYPE, page.twins() ? "twin" : "raw");
        if (page.continuation() != null) {
            response.putHeader(CONTINUATION, page.continuation());
        }
        response.end(results.toString());
    }

    private static String queryText(String body) {
        JsonObject request = JsonBodies.requireObject(body,
                "with the query, like {\"query\": \"SELECT * FROM devices\"}");
        JsonElement query = request.get("query");
        if (query == null || !query.isJsonPrimitive() || !query.getAsJsonPrimitive().isString()) {
            throw IotHubErrors.argumentInvalid("The request body needs a query string, like"
                    + " {\"query\": \"SELECT * FROM devices\"}.");
        }
        return query.getAsString();
    }

    private static int pageSize(String header) {
        if (header == null || header.isBlank()) {
            return DeviceQueries.MAX_PAGE_SIZE;
        }
        try {
            return Integer.parseInt(header.trim());
        } catch (NumberFormatException e) {
            throw IotHubErrors.argumentInvalid(PAGE_SIZE + " must be a whole number from 1 to "
                    + DeviceQueries.MAX_PAGE_SIZE + ".");
        }
    }
}
