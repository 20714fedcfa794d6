package io.github.iothubquickstart.localhub.rest;

import io.github.iothubquickstart.localhub.telemetry.TelemetryFeed;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayDeque;
import java.util.List;

/**
 * One monitor reader's stream: optionally the stored messages after a position first, then live ones, each once
 * and in order. Confined to the reader's event loop; the blocking journal reads run on a worker.
 */
final class MonitorStream {
    static final int REPLAY_PAGE = 1_000;
    static final int MAX_BUFFERED_WHILE_REPLAYING = 10_000;

    private final Vertx vertx;
    private final TelemetryFeed feed;
    private final HttpServerResponse response;
    private final String deviceFilter;
    private final ArrayDeque<TelemetryMessage> liveWhileReplaying = new ArrayDeque<>();
    /** The newest sequence number this reader was sent or skipped by its filter: nothing older goes out again. */
    private long lastHandled;
    private long dropped;
    private boolean replaying;

    MonitorStream(Vertx vertx, TelemetryFeed feed, HttpServerResponse response, String deviceFilter) {
        this.vertx = vertx;
        this.feed = feed;
        this.response = response;
        this.deviceFilter = deviceFilter;
    }

    /** Sends what is stored after {@code sequenceNumber}, then carries on with live messages. */
    void replayAfter(long sequenceNumber) {
        replaying = true;
        lastHandled = sequenceNumber;
        nextPage();
    }

    /** A message just stored; called on this stream's event loop. */
    void live(TelemetryMessage message) {
        if (!replaying) {
            send(message);
        } else if (liveWhileReplaying.size() < MAX_BUFFERED_WHILE_REPLAYING) {
            liveWhileReplaying.add(message);
        } else {
            dropped++;
        }
    }

    private void nextPage() {
        if (response.closed()) {
            return;
        }
        long after = lastHandled;
        vertx.executeBlocking(() -> feed.storedAfter(after, REPLAY_PAGE), true).onComplete(page -> {
            if (page.failed()) {
                response.write(": replay failed: " + page.cause().getMessage() + "\n\n");
                finishReplay();
                return;
            }
            List<TelemetryMessage> messages = page.result();
            messages.forEach(this::send);
            if (messages.size() < REPLAY_PAGE) {
                finishReplay();
            } else if (response.writeQueueFull()) {
                response.drainHandler(ignored -> nextPage());
            } else {
                nextPage();
            }
        });
    }

    private void finishReplay() {
        replaying = false;
        TelemetryMessage message;
        while ((message = liveWhileReplaying.poll()) != null) {
            send(message);
        }
    }

    private void send(TelemetryMessage message) {
        if (message.sequenceNumber() <= lastHandled) {
            return;
        }
        lastHandled = message.sequenceNumber();
        if (response.closed() || deviceFilter != null && !deviceFilter.equals(message.deviceId())) {
            return;
        }
        if (response.writeQueueFull()) {
            dropped++;
            return;
        }
        if (dropped > 0) {
            response.write(": " + dropped + " messages dropped: this reader was too slow\n\n");
            dropped = 0;
        }
        response.write("id: " + message.sequenceNumber() + "\nevent: telemetry\ndata: "
                + MonitorRoute.toJson(message) + "\n\n");
    }
}
