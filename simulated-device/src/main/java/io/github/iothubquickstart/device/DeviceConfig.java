package io.github.iothubquickstart.device;

import io.github.iothubquickstart.common.DeviceConnectionSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A fully validated device run.
 *
 * @param maxMessages stop after this many messages; 0 means no limit
 * @param modelId     the IoT Plug and Play model id the device announces when it connects; null for none
 * @param upload      a file to upload instead of sending telemetry; null for none
 */
public record DeviceConfig(DeviceConnectionSettings connection, Protocol protocol, Duration interval,
        long maxMessages, String modelId, Path upload) {

    /** A device that announces no model and uploads nothing. */
    public DeviceConfig(DeviceConnectionSettings connection, Protocol protocol, Duration interval, long maxMessages) {
        this(connection, protocol, interval, maxMessages, null, null);
    }
}
