package io.github.iothubquickstart.localhub.registry;

/** How many devices the registry holds, and how many of them are enabled or disabled. */
public record DeviceStatistics(long totalDeviceCount, long enabledDeviceCount, long disabledDeviceCount) {
}
