package io.github.iothubquickstart.localhub.mqtt;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.twin.TwinDocument;
import io.github.iothubquickstart.localhub.twin.TwinRequestsInFlight;
import io.github.iothubquickstart.localhub.wire.TwinJson;
import io.github.iothubquickstart.localhub.twin.TwinService;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device's (or module's: its own twin) twin requests over MQTT: GET answers {@code 200} with its desired and reported properties, a
 * reported-properties PATCH answers {@code 204} with the new {@code $version}; a refused request answers with IoT
 * Hub's status (400, 404, 412 for a stale {@code $version}, ...) and an error body. Storage work runs off the event loop, in arrival order;
 * at most {@link TwinRequestsInFlight#MAX_PER_CONNECTION} wait per connection.
 */
public final class MqttTwinRequests {
    private static final Logger LOG = LoggerFactory.getLogger(MqttTwinRequests.class);

    private final TwinService twins;

    public MqttTwinRequests(TwinService twins) {
        this.twins = twins;
    }

    /** Called on the connection's event loop. */
    public void handle(MqttDeviceConnection connection, DeviceTopics.TwinRequestTopic request, Buffer payload) {
        Context context = Vertx.currentContext();
        String body = payload.toString(StandardCharsets.UTF_8);
        LOG.debug("Twin request {} {} from {}", request.operation(), request.requestId(), connection.identity());
        TwinRequestsInFlight inFlight = connection.twinRequestsInFlight();
        if (!inFlight.tryStart()) {
            IotHubError throttled = TwinRequestsInFlight.throttled();
            connection.publish(DeviceTopics.twinResponse(throttled.httpStatus(), request.requestId(), null),
                    Buffer.buffer(errorBody(throttled.errorCode(), throttled.getMessage())));
            return;
        }
        context.executeBlocking(() -> answer(connection.identity(), request, body))
                .onComplete(done -> {
                    inFlight.finished();
                    Response response = done.succeeded() ? done.result() : failure(connection, done.cause());
                    connection.publish(DeviceTopics.twinResponse(response.status(), request.requestId(),
                            response.version()), Buffer.buffer(response.body()));
                });
    }

    private Response answer(IdentityId owner, DeviceTopics.TwinRequestTopic request, String body) {
        try {
            return switch (request.operation()) {
                case GET -> new Response(200, null, TwinJson.forDevice(twins.get(owner)).toString());
                case PATCH_REPORTED -> {
                    TwinDocument twin = twins.updateReported(owner, parse(body), request.baseVersion());
                    yield new Response(204, twin.reportedVersion(), "");
                }
            };
        } catch (IotHubError e) {
            return new Response(e.httpStatus(), null, errorBody(e.errorCode(), e.getMessage()));
        }
    }

    private static Response failure(MqttDeviceConnection connection, Throwable cause) {
        LOG.error("Twin request of {} failed", connection.identity(), cause);
        return new Response(500, null, errorBody(500001, "The local hub failed: " + cause.getMessage()));
    }

    private static JsonElement parse(String body) {
        try {
            return JsonParser.parseString(body);
        } catch (JsonParseException e) {
            throw IotHubErrors.formatError("The reported properties are not valid JSON.");
        }
    }

    private static String errorBody(int errorCode, String message) {
        JsonObject json = new JsonObject();
        json.addProperty("errorCode", errorCode);
        json.addProperty("message", message);
        return json.toString();
    }

    private record Response(int status, Long version, String body) {
    }
}
