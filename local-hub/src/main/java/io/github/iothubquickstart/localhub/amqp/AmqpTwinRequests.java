package io.github.iothubquickstart.localhub.amqp;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.twin.TwinDocument;
import io.github.iothubquickstart.localhub.twin.TwinRequestsInFlight;
import io.github.iothubquickstart.localhub.twin.TwinService;
import io.github.iothubquickstart.localhub.wire.TwinJson;
import io.vertx.core.Context;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device's twin requests over AMQP, on {@code /devices/{id}/twin}, as the device SDKs send them: message
 * annotations {@code operation} (GET, PATCH of {@code resource=/properties/reported} with an optional base
 * {@code version}, PUT / DELETE of {@code /notifications/twin/properties/desired} to (un)subscribe) and a correlation
 * id. Answers carry that correlation id, a {@code status} annotation and, for a PATCH, the new reported {@code version}.
 * Storage work runs off the event loop, in arrival order, as for MQTT; at most
 * {@link TwinRequestsInFlight#MAX_PER_CONNECTION} wait per device.
 */
final class AmqpTwinRequests {
    private static final Logger LOG = LoggerFactory.getLogger(AmqpTwinRequests.class);
    static final Symbol OPERATION = Symbol.valueOf("operation");
    static final Symbol RESOURCE = Symbol.valueOf("resource");
    static final Symbol VERSION = Symbol.valueOf("version");
    static final Symbol STATUS = Symbol.valueOf("status");
    static final String REPORTED = "/properties/reported";
    static final String DESIRED_NOTIFICATIONS = "/notifications/twin/properties/desired";

    /** What a request asks for. */
    enum Operation { GET, PATCH_REPORTED, SUBSCRIBE_DESIRED, UNSUBSCRIBE_DESIRED }

    /** A parsed request; {@code baseVersion} only for a PATCH, and only when the device sent one. */
    record Request(Operation operation, Object correlationId, Long baseVersion, byte[] body) {
    }

    /** An answer to send back on the device's twin link. */
    record Response(int status, Long version, String body) {
    }

    private final TwinService twins;

    AmqpTwinRequests(TwinService twins) {
        this.twins = twins;
    }

    /** The request in {@code message}; null when it is none the twin node takes (answered 400 by the caller). */
    static Request parse(Message message) throws AmqpTelemetry.InvalidTelemetryException {
        Map<Symbol, Object> annotations = message.getMessageAnnotations() == null
                || message.getMessageAnnotations().getValue() == null
                ? Map.of() : message.getMessageAnnotations().getValue();
        Object operation = annotations.get(OPERATION);
        Object resource = annotations.get(RESOURCE);
        Operation parsed;
        if ("GET".equals(operation)) {
            parsed = Operation.GET;
        } else if ("PATCH".equals(operation) && REPORTED.equals(resource)) {
            parsed = Operation.PATCH_REPORTED;
        } else if ("PUT".equals(operation) && DESIRED_NOTIFICATIONS.equals(resource)) {
            parsed = Operation.SUBSCRIBE_DESIRED;
        } else if ("DELETE".equals(operation) && DESIRED_NOTIFICATIONS.equals(resource)) {
            parsed = Operation.UNSUBSCRIBE_DESIRED;
        } else {
            return null;
        }
        Object version = annotations.get(VERSION);
        Long baseVersion = parsed == Operation.PATCH_REPORTED && version instanceof Number number ? number.longValue() : null;
        return new Request(parsed, message.getCorrelationId(), baseVersion, AmqpTelemetry.from(message).body());
    }

    /** Answers a GET or a PATCH through {@code reply}, on {@code context}, after the store has done its part. */
    void answer(IdentityId owner, Request request, Context context, TwinRequestsInFlight inFlight,
                Consumer<Message> reply) {
        if (!inFlight.tryStart()) {
            IotHubError throttled = TwinRequestsInFlight.throttled();
            reply.accept(toMessage(request.correlationId(), new Response(throttled.httpStatus(), null,
                    errorBody(throttled.errorCode(), throttled.getMessage()))));
            return;
        }
        context.executeBlocking(() -> respond(owner, request))
                .onComplete(done -> {
                    inFlight.finished();
                    Response response = done.succeeded() ? done.result() : failure(owner, done.cause());
                    reply.accept(toMessage(request.correlationId(), response));
                });
    }

    private Response respond(IdentityId owner, Request request) {
        try {
            if (request.operation() == Operation.GET) {
                return new Response(200, null, TwinJson.forDevice(twins.get(owner)).toString());
            }
            TwinDocument twin = twins.updateReported(owner, parse(request.body()), request.baseVersion());
            return new Response(204, twin.reportedVersion(), "");
        } catch (IotHubError e) {
            return new Response(e.httpStatus(), null, errorBody(e.errorCode(), e.getMessage()));
        }
    }

    static Message toMessage(Object correlationId, Response response) {
        Message message = Message.Factory.create();
        Properties properties = new Properties();
        properties.setCorrelationId(correlationId);
        message.setProperties(properties);
        Map<Symbol, Object> annotations = new HashMap<>();
        annotations.put(STATUS, response.status());
        if (response.version() != null) {
            annotations.put(VERSION, response.version());
        }
        message.setMessageAnnotations(new MessageAnnotations(annotations));
        message.setBody(new Data(new Binary(response.body().getBytes(StandardCharsets.UTF_8))));
        return message;
    }

    /** A desired-properties notification: no correlation id, the patch with its {@code $version}, as over MQTT. */
    static Message desiredNotification(JsonObject patch, long version) {
        Message message = Message.Factory.create();
        message.setMessageAnnotations(new MessageAnnotations(Map.of(
                RESOURCE, "/properties/desired",
                VERSION, version)));
        message.setBody(new Data(new Binary(TwinJson.desiredNotification(patch, version).toString()
                .getBytes(StandardCharsets.UTF_8))));
        return message;
    }

    /** The answer to a PUT or DELETE of {@value #DESIRED_NOTIFICATIONS}: status 200, no body. */
    static Response subscriptionChanged() {
        return new Response(200, null, "");
    }

    static Response badRequest(String why) {
        IotHubError error = IotHubErrors.argumentInvalid(why);
        return new Response(error.httpStatus(), null, errorBody(error.errorCode(), why));
    }

    private static Response failure(IdentityId owner, Throwable cause) {
        LOG.error("Twin request of {} failed", owner, cause);
        return new Response(500, null, errorBody(500001, "The local hub failed: " + cause.getMessage()));
    }

    private static JsonElement parse(byte[] body) {
        try {
            return JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
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
}
