package io.github.iothubquickstart.device;

import io.github.iothubquickstart.common.DeviceConnectionSettings;
import java.time.Duration;

/**
 * A fully validated device run.
 *
 * @param maxMessages stop after this many messages; 0 means no limit
 * @param modelId     the IoT Plug and Play model id the device announces when it connects; null for none
 */
public record DeviceConfig(DeviceConnectionSettings connection, Protocol protocol, Duration interval,
        long maxMessages, String modelId) {

    /** A device that announces no model. */
    public DeviceConfig(DeviceConnectionSettings connection, Protocol protocol, Duration interval, long maxMessages) {
        this(connection, protocol, interval, maxMessages, null);
    }
}
