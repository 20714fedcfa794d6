package io.github.iothubquickstart.localhub.registry;

import io.github.iothubquickstart.localhub.errors.IotHubError;

/** Why one device of a bulk registry operation was not changed. */
public record BulkDeviceError(String deviceId, IotHubError error) {
}
