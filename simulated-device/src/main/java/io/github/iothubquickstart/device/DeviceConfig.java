package io.github.iothubquickstart.device;

import io.github.iothubquickstart.common.DeviceConnectionSettings;
import java.time.Duration;

/**
 * A fully validated device run.
 *
 * @param maxMessages stop after this many messages; 0 means no limit
 */
public record DeviceConfig(DeviceConnectionSettings connection, Protocol protocol, Duration interval,
        long maxMessages) {
}
