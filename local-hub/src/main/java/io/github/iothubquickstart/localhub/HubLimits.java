package io.github.iothubquickstart.localhub;

import java.time.Duration;

/**
 * Caps that keep one misbehaving client from taking the hub down. Past a cap the hub answers as IoT Hub does when
 * it throttles: CONNACK 3 (server unavailable) for devices, HTTP 429 with error 429001 for service calls; it
 * recovers by itself when the load drops.
 *
 * @param maxConnectedDevices        authenticated device connections at once
 * @param maxMethodCallsPerDevice    direct method calls waiting on one device at once
 * @param maxMethodCallsInFlight     direct method calls waiting on all devices at once
 * @param connectPacketTimeout       how long a new connection may take to send its MQTT CONNECT (or finish AMQP's
 *                                   SASL, or put its first valid token)
 * @param maxAmqpSessionsPerConnection sessions one AMQP connection may have open (amqp:resource-limit-exceeded past it)
 * @param maxAmqpLinksPerConnection  links one AMQP connection may have open (amqp:resource-limit-exceeded past it)
 */
public record HubLimits(int maxConnectedDevices, int maxMethodCallsPerDevice, int maxMethodCallsInFlight,
                        Duration connectPacketTimeout, int maxAmqpSessionsPerConnection,
                        int maxAmqpLinksPerConnection) {
    /**
     * IoT Hub documents no AMQP session or link cap; the Azure device SDK multiplexes up to 1000 devices on one
     * AMQPS connection, each in its own session with up to six links, beside the $cbs session and its two links.
     */
    public static final HubLimits DEFAULT = new HubLimits(20_000, 100, 10_000, Duration.ofSeconds(30), 1_100, 6_100);

    public HubLimits(int maxConnectedDevices, int maxMethodCallsPerDevice, int maxMethodCallsInFlight,
                     Duration connectPacketTimeout) {
        this(maxConnectedDevices, maxMethodCallsPerDevice, maxMethodCallsInFlight, connectPacketTimeout,
                DEFAULT.maxAmqpSessionsPerConnection, DEFAULT.maxAmqpLinksPerConnection);
    }

    public HubLimits {
        if (maxConnectedDevices < 1 || maxMethodCallsPerDevice < 1 || maxMethodCallsInFlight < 1
                || maxAmqpSessionsPerConnection < 1 || maxAmqpLinksPerConnection < 1) {
            throw new IllegalArgumentException("Every hub limit must be at least 1.");
        }
        if (connectPacketTimeout.toSeconds() < 1) {
            throw new IllegalArgumentException("The CONNECT timeout must be at least 1 second.");
        }
    }

    public HubLimits withMaxConnectedDevices(int value) {
        return new HubLimits(value, maxMethodCallsPerDevice, maxMethodCallsInFlight, connectPacketTimeout,
                maxAmqpSessionsPerConnection, maxAmqpLinksPerConnection);
    }

    public HubLimits withMaxMethodCallsPerDevice(int value) {
        return new HubLimits(maxConnectedDevices, value, maxMethodCallsInFlight, connectPacketTimeout,
                maxAmqpSessionsPerConnection, maxAmqpLinksPerConnection);
    }

    public HubLimits withMaxMethodCallsInFlight(int value) {
        return new HubLimits(maxConnectedDevices, maxMethodCallsPerDevice, value, connectPacketTimeout,
                maxAmqpSessionsPerConnection, maxAmqpLinksPerConnection);
    }

    public HubLimits withConnectPacketTimeout(Duration value) {
        return new HubLimits(maxConnectedDevices, maxMethodCallsPerDevice, maxMethodCallsInFlight, value,
                maxAmqpSessionsPerConnection, maxAmqpLinksPerConnection);
    }

    public HubLimits withAmqpCapsPerConnection(int sessions, int links) {
        return new HubLimits(maxConnectedDevices, maxMethodCallsPerDevice, maxMethodCallsInFlight, connectPacketTimeout,
                sessions, links);
    }
}
