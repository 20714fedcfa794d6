package io.github.iothubquickstart.device;

import io.github.iothubquickstart.common.DeviceConnectionSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A fully validated device run.
 *
 * @param maxMessages stop after this many messages; 0 means no limit
 * @param upload      a file to upload instead of sending telemetry; null for none
 */
public record DeviceConfig(DeviceConnectionSettings connection, Protocol protocol, Duration interval,
        long maxMessages, Path upload) {

    public DeviceConfig(DeviceConnectionSettings connection, Protocol protocol, Duration interval, long maxMessages) {
        this(connection, protocol, interval, maxMessages, null);
    }
}
