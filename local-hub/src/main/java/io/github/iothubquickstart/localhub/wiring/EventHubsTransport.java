package io.github.iothubquickstart.localhub.wiring;

import io.github.iothubquickstart.localhub.HubSettings;
import io.github.iothubquickstart.localhub.amqp.AmqpDeviceServer;
import io.github.iothubquickstart.localhub.amqp.EventHubsEndpoint;
import io.github.iothubquickstart.localhub.telemetry.PartitionedTelemetry;
import io.github.iothubquickstart.localhub.telemetry.TelemetryPartitions;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;

/**
 * The Event Hubs-compatible endpoint: its nodes on the AMQP port over TLS (handed to {@link AmqpTransport}), and on
 * a loopback address also plain AMQP (5672 unless set otherwise) for the Event Hubs SDKs' emulator mode, where
 * nothing else is served.
 */
public final class EventHubsTransport implements Transport {
    private final HubSettings settings;
    /** Null when the plain port is off or the address is not a loopback one. */
    private final AmqpDeviceServer plainServer;

    public EventHubsTransport(HubServices hub, EventHubsEndpoint endpoint, AmqpTransport amqp) {
        this.settings = hub.settings();
        this.plainServer = settings.eventHubsPort() == 0 || !settings.bindsLoopback() ? null
                : AmqpDeviceServer.plain(hub.vertx(), settings.eventLoops(), settings.bindAddress(),
                        settings.eventHubsPort(), amqp.handler().eventHubsOnly(endpoint));
    }

    /** The event hub named after the hub, over its telemetry in partitions. */
    public static EventHubsEndpoint endpoint(HubServices hub) {
        HubSettings settings = hub.settings();
        return new EventHubsEndpoint(hub.vertx(), settings.hubName(), new PartitionedTelemetry(hub.telemetry(),
                new TelemetryPartitions(settings.partitions())), settings.consumerGroups(), createdAt(hub),
                hub.serviceAuthenticator());
    }

    /** What {@code $management} says the event hub was created at: when the hub's CA was made, on its first start. */
    private static Instant createdAt(HubServices hub) {
        try {
            return Files.getLastModifiedTime(hub.identity().certificates().caCertificateFile()).toInstant();
        } catch (IOException e) {
            return hub.clock().instant();
        }
    }

    /** The plain listener where it can: a port in use is reported in one line, and the hub goes on. */
    @Override
    public int listen() {
        if (plainServer == null) {
            if (settings.eventHubsPort() != 0) {
                Listening.warn("No plain AMQP for the Event Hubs emulator mode on {}: it is not a loopback address,"
                        + " and plain AMQP is for loopback only. Event Hubs clients read over TLS on the AMQP port.",
                        settings.bindAddress());
            }
            return 0;
        }
        return Listening.orSkip(plainServer.listen(), "plain AMQP for the Event Hubs emulator mode", settings,
                settings.eventHubsPort(), "--event-hubs-port 0");
    }

    @Override
    public Future<Void> stop() {
        return plainServer == null ? Future.succeededFuture() : plainServer.close();
    }
}
