package io.github.iothubquickstart.localhub.rest;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.auth.ServiceAuthenticator;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.registry.AccessRight;
import io.github.iothubquickstart.localhub.telemetry.TelemetryFeed;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /monitor/events}: device-to-cloud messages as Server-Sent Events while they arrive, like
 * {@code az iot hub monitor-events}, optionally after replaying the stored ones. A reader too slow to keep up
 * loses messages (counted in a comment line), rather than making the hub buffer without bound.
 */
public final class MonitorRoute implements Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger(MonitorRoute.class);
    private static final long HEARTBEAT_MILLIS = 15_000;
    private static final Gson GSON = new Gson();

    private final Vertx vertx;
    private final ServiceAuthenticator authenticator;
    private final TelemetryFeed feed;

    public MonitorRoute(Vertx vertx, ServiceAuthenticator authenticator, TelemetryFeed feed) {
        this.vertx = vertx;
        this.authenticator = authenticator;
        this.feed = feed;
    }

    @Override
    public void handle(RoutingContext routing) {
        authenticator.authorize(routing.request().getHeader("Authorization"), AccessRight.SERVICE_CONNECT);
        String deviceFilter = routing.request().getParam("deviceId");
        Long replayAfter = replayPosition(routing);
        HttpServerResponse response = routing.response()
                .setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache");
        response.write(": monitoring device-to-cloud messages\n\n");
        Context context = Vertx.currentContext();
        MonitorStream stream = new MonitorStream(vertx, feed, response, deviceFilter);
        AutoCloseable subscription = feed.subscribe(message -> context.runOnContext(ignored -> stream.live(message)));
        if (replayAfter != null) {
            stream.replayAfter(replayAfter);
        }
        long heartbeat = vertx.setPeriodic(HEARTBEAT_MILLIS, id -> {
            if (!response.closed()) {
                response.write(": keep-alive\n\n");
            }
        });
        response.closeHandler(ignored -> {
            vertx.cancelTimer(heartbeat);
            try {
                subscription.close();
            } catch (Exception e) {
                LOG.debug("Closing a monitor subscription failed", e);
            }
        });
    }

    /**
     * Where a replay of stored messages starts: after the SSE {@code Last-Event-ID} a reconnecting reader sends,
     * or from {@code ?from=N} (N = 0 replays everything kept); null for live messages only.
     */
    private static Long replayPosition(RoutingContext routing) {
        String lastEventId = routing.request().getHeader("Last-Event-ID");
        String from = routing.request().getParam("from");
        try {
            if (lastEventId != null) {
                return Math.max(0, Long.parseLong(lastEventId.trim()));
            }
            if (from != null) {
                return Math.max(0, Long.parseLong(from) - 1);
            }
        } catch (NumberFormatException e) {
            throw IotHubErrors.argumentInvalid("from and Last-Event-ID must be message sequence numbers.");
        }
        return null;
    }

    /** One line of JSON: the body as JSON when it is JSON, as text when it is UTF-8, else base64. */
    static String toJson(TelemetryMessage message) {
        JsonObject json = new JsonObject();
        json.addProperty("sequenceNumber", message.sequenceNumber());
        json.addProperty("deviceId", message.deviceId());
        if (message.moduleId() != null) {
            json.addProperty("moduleId", message.moduleId());
        }
        json.addProperty("enqueuedTime", message.enqueuedTime().toString());
        json.add("systemProperties", GSON.toJsonTree(message.systemProperties()));
        json.add("properties", GSON.toJsonTree(message.applicationProperties()));
        String text = utf8(message.body());
        if (text == null) {
            json.addProperty("bodyBase64", Base64.getEncoder().encodeToString(message.body()));
        } else {
            json.add("body", jsonOrText(text));
        }
        return json.toString();
    }

    private static JsonElement jsonOrText(String text) {
        try {
            JsonElement parsed = JsonParser.parseString(text);
            if (!parsed.isJsonNull()) {
                return parsed;
            }
        } catch (JsonParseException notJson) {
            // falls through to plain text
        }
        return GSON.toJsonTree(text);
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
