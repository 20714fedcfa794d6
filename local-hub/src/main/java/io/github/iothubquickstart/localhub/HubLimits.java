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
 * @param connectPacketTimeout       how long a new connection may take to send its MQTT CONNECT
 */
public record HubLimits(int maxConnectedDevices, int maxMethodCallsPerDevice, int maxMethodCallsInFlight,
                        Duration connectPacketTimeout) {
    public static final HubLimits DEFAULT = new HubLimits(20_000, 100, 10_000, Duration.ofSeconds(30));

    public HubLimits {
        if (maxConnectedDevices < 1 || maxMethodCallsPerDevice < 1 || maxMethodCallsInFlight < 1) {
            throw new IllegalArgumentException("Every hub limit must be at least 1.");
        }
        if (connectPacketTimeout.toSeconds() < 1) {
            throw new IllegalArgumentException("The CONNECT timeout must be at least 1 second.");
        }
    }

    public HubLimits withMaxConnectedDevices(int value) {
        return new HubLimits(value, maxMethodCallsPerDevice, maxMethodCallsInFlight, connectPacketTimeout);
    }

    public HubLimits withMaxMethodCallsPerDevice(int value) {
        return new HubLimits(maxConnectedDevices, value, maxMethodCallsInFlight, connectPacketTimeout);
    }

    public HubLimits withMaxMethodCallsInFlight(int value) {
        return new HubLimits(maxConnectedDevices, maxMethodCallsPerDevice, value, connectPacketTimeout);
    }

    public HubLimits withConnectPacketTimeout(Duration value) {
        return new HubLimits(maxConnectedDevices, maxMethodCallsPerDevice, maxMethodCallsInFlight, value);
    }
}
